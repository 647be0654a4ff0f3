package faceattr.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What the test oracles that run other tools (TF.js in Node, PyTorch and ONNX Runtime in Python)
 * share: running a command with a time limit and its output in a log, reading that log back for a
 * message, hashing pinned dependency lists, deleting install folders.
 */
public final class ExternalTools {
    private static final int LOG_HEAD_CHARS = 2000;
    private static final int LOG_TAIL_CHARS = 4000;

    private ExternalTools() {
    }

    /**
     * Runs a command with stdout and stderr merged into a log and no input; kills it and its
     * children after {@code timeoutS}.
     *
     * @param cmd the command
     * @param dir its working folder
     * @param log the log file
     * @param append append to the log rather than replace it
     * @param timeoutS the time limit
     * @param env adjusts the command's environment
     * @return the exit code
     * @throws IOException when the command cannot start
     * @throws IllegalStateException when it timed out, with the log's text
     */
    public static int exec(List<String> cmd, Path dir, Path log, boolean append, long timeoutS,
            Consumer<Map<String, String>> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(log.toFile())
                        : ProcessBuilder.Redirect.to(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File(windows() ? "NUL" : "/dev/null")));
        env.accept(pb.environment());
        Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", cmd) + " timed out after " + timeoutS + " s:\n"
                    + tail(log));
        }
        return p.exitValue();
    }

    /**
     * @return the log's text, or its head and tail when long: the first error is often the cause
     *     (npm and pip print it first), the tail its consequences
     */
    public static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "(no output)";
            }
            String s = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).strip();
            return s.length() <= LOG_HEAD_CHARS + LOG_TAIL_CHARS ? s
                    : s.substring(0, LOG_HEAD_CHARS) + "\n[...]\n" + s.substring(s.length() - LOG_TAIL_CHARS);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** @return the SHA-256 of the bytes in hex */
    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a folder and everything in it; nothing when it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(paths::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Publishes a finished install folder by renaming it to its final name. When another JVM
     * published the same install first (the rename onto a non-empty folder fails), its copy is
     * used; ours is left for the caller to delete.
     *
     * @param tmp the finished folder, holding {@code marker}
     * @param dest the final name
     * @param marker the file whose presence marks a complete install
     * @throws IllegalStateException when an incomplete folder is in the way
     */
    public static void publish(Path tmp, Path dest, String marker) throws IOException {
        try {
            Files.move(tmp, dest, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileSystemException e) {
            if (!Files.isRegularFile(dest.resolve(marker))) {
                throw new IllegalStateException("cannot publish " + dest + " (an incomplete folder is in the way; "
                        + "delete it): " + e, e);
            }
        }
    }

    /**
     * Deletes temporary install folders left by JVMs that died mid-install: folders of
     * {@code root} named {@code prefix...} and older than {@code maxAgeMs}, so that a live install
     * in another JVM is never disturbed. Best effort.
     */
    public static void removeAbandoned(Path root, String prefix, long maxAgeMs) throws IOException {
        long cutoff = System.currentTimeMillis() - maxAgeMs;
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).forEach(stale::add);
        }
        for (Path p : stale) {
            try {
                if (Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    deleteTree(p);
                }
            } catch (IOException e) {
                // another JVM may be cleaning up the same folder
            }
        }
    }

    /**
     * Walks up from the working directory (Maven: the project root) to a folder of test sources.
     *
     * @param relative the folder, relative to the project root
     * @param files files it must hold
     * @return the folder
     * @throws IllegalStateException naming the folder when it is not found
     */
    public static Path findUp(String relative, String... files) {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            Path dir = p.resolve(relative);
            if (java.util.Arrays.stream(files).allMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find " + relative + "/" + files[0] + " above the working directory "
                + cwd + " (run the tests from the project root)");
    }

    /** @return whether this is Windows */
    public static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}

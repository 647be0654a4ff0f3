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

    /** @return whether this is Windows */
    public static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}

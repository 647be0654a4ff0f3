package faceattr.engine;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * {@code faceattr engine install gpu}: puts DJL's CUDA build of the PyTorch natives into DJL's
 * cache, where {@link Engines#configureNatives} finds them (docs/gpu.md). This is the one place
 * the project downloads anything, and it runs only when a user asks.
 *
 * <p>The files and the folder are DJL's own: DJL publishes, for PyTorch {@value #VERSION}, an
 * index {@code files.txt} whose lines {@code FLAVOR/CLASSIFIER/native/lib/NAME.gz} are the gzipped
 * libraries, and its loader keeps them unpacked in {@code <cache>/pytorch/VERSION-FLAVOR-CLASSIFIER}
 * (DJL's {@code LibUtils}). DJL downloads them itself only when no natives jar is on the class
 * path; the bundle always has the CPU jar, so this class does the download, with progress, an
 * optional mirror, and nothing left behind when it fails or is cancelled. The JNI library for
 * {@value Engines#CUDA_FLAVOR} comes with the bundled pytorch-jni jar.
 */
public final class NativesInstaller {
    /** DJL's server of PyTorch natives. */
    public static final String SERVER = "https://publish.djl.ai/pytorch/";
    /** The PyTorch version of the bundled engine and JNI. */
    public static final String VERSION = "2.7.1";
    /** Free space wanted before a download starts: the CUDA natives unpack to about 4 GB. */
    public static final long SPACE_NEEDED = 6L << 30;

    private static final String PREFIX = "faceattr-install-";

    private NativesInstaller() {
    }

    /** @return DJL's platform name of this machine, as in its folder and file names */
    static String classifier() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
        String o = os.startsWith("windows") ? "win" : os.startsWith("mac") ? "osx" : "linux";
        return o + "-" + a;
    }

    /** @return DJL's cache folder of the PyTorch engine ({@code ENGINE_CACHE_DIR}, {@code DJL_CACHE_DIR}) */
    static Path cacheDir() {
        return ai.djl.util.Utils.getEngineCacheDir("pytorch");
    }

    /** @return where the CUDA natives are (or would be) installed */
    public static Path installedDir() {
        return cacheDir().resolve(VERSION + "-" + Engines.CUDA_FLAVOR + "-" + classifier());
    }

    /**
     * Downloads and unpacks the CUDA natives into {@link #installedDir()}.
     *
     * @param server the base address ({@link #SERVER}, or a mirror with the same layout)
     * @param force replace an existing installation
     * @param progress progress and cancellation
     * @return the folder
     * @throws FaceAttrException when the server cannot be reached, lists no such natives, a file
     *     is cut short, or the disk is full; nothing is left behind
     */
    public static Path install(String server, boolean force, Progress progress) throws FaceAttrException {
        return install(server, Engines.CUDA_FLAVOR, classifier(), cacheDir(), force, SPACE_NEEDED, progress);
    }

    static Path install(String server, String flavor, String classifier, Path cache, boolean force, long space,
            Progress progress) throws FaceAttrException {
        String base = (server.endsWith("/") ? server : server + "/") + VERSION + "/";
        Path target = cache.resolve(VERSION + "-" + flavor + "-" + classifier);
        Path lib = target.resolve(System.mapLibraryName("torch"));
        if (Files.isRegularFile(lib) && !force) {
            return target;
        }
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            throw new FaceAttrException(cache, "cannot create DJL's cache folder (" + e.getMessage()
                    + "); set ENGINE_CACHE_DIR to a writable folder", e);
        }
        removeLeftovers(cache);
        long free = cache.toFile().getUsableSpace();
        if (free < space) {
            throw new FaceAttrException(cache, String.format(Locale.ROOT, "needs %.1f GB free for the CUDA natives, "
                    + "has %.1f GB; free some space or set ENGINE_CACHE_DIR to a larger disk", space / 1e9, free / 1e9),
                    null);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String index = base + "files.txt";
        List<String> files = new ArrayList<>();
        progress.report(0, "reading " + index);
        try (InputStream in = get(http, index)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                String l = line.trim();
                if (l.startsWith(flavor + "/" + classifier + "/") && l.endsWith(".gz")) {
                    files.add(l);
                }
            }
        } catch (IOException e) {
            throw unreachable(index, e);
        }
        if (files.isEmpty()) {
            throw new FaceAttrException(index + " lists no " + flavor + " natives for " + classifier + " (DJL "
                    + "publishes CUDA builds of PyTorch " + VERSION + " for linux-x86_64 and win-x86_64); use "
                    + "PYTORCH_LIBRARY_PATH with a CUDA libtorch " + VERSION + " instead (docs/gpu.md)");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(cache, PREFIX);
            for (int i = 0; i < files.size(); i++) {
                String line = files.get(i);
                String gz = line.substring(line.lastIndexOf('/') + 1);
                String name = URLDecoder.decode(gz.substring(0, gz.length() - 3), StandardCharsets.UTF_8);
                download(http, base + line, tmp.resolve(name), i, files.size(), progress);
            }
            if (!Files.isRegularFile(tmp.resolve(System.mapLibraryName("torch")))) {
                throw new FaceAttrException(index + " lists no " + System.mapLibraryName("torch") + " for "
                        + flavor + "/" + classifier + "; the server's layout is not DJL's (check --mirror)");
            }
            if (Files.exists(target)) {
                deleteTree(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            progress.report(1, "installed " + files.size() + " files in " + target);
            return target;
        } catch (IOException e) {
            throw new FaceAttrException(cache, "cannot write the natives (" + e.getMessage()
                    + "); check the disk has " + SPACE_NEEDED / (1L << 30) + " GB free and the folder is writable", e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static void download(HttpClient http, String url, Path to, int i, int n, Progress progress)
            throws FaceAttrException, IOException {
        String name = to.getFileName().toString();
        HttpResponse<InputStream> r = send(http, url);
        long length = r.headers().firstValueAsLong("content-length").orElse(-1);
        long[] read = {0};
        InputStream counting = new java.io.FilterInputStream(r.body()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                progress.checkCancelled();
                int k;
                try {
                    k = super.read(b, off, len);
                } catch (IOException e) {
                    throw new ReadFailure(e);
                }
                if (k > 0) {
                    read[0] += k;
                    double part = length > 0 ? Math.min(1.0, read[0] / (double) length) : 0;
                    progress.report((i + part) / n, String.format(Locale.ROOT, "downloading %s (%d/%d) %.0f%s MB",
                            name, i + 1, n, read[0] / 1e6, length > 0 ? String.format(Locale.ROOT, "/%.0f",
                                    length / 1e6) : ""));
                }
                return k;
            }
        };
        try (InputStream in = new GZIPInputStream(counting, 1 << 16); OutputStream out = Files.newOutputStream(to)) {
            in.transferTo(out); // GZIPInputStream checks the length and CRC at the end of each file
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            throw new FaceAttrException(url + " arrived damaged or cut short (" + e.getMessage()
                    + "); run 'faceattr engine install gpu' again");
        } catch (ReadFailure e) {
            throw new FaceAttrException("the download of " + url + " broke off (" + e.getCause().getMessage()
                    + "); run 'faceattr engine install gpu' again");
        }
    }

    /** A failure to read from the network, not to write to the disk. */
    private static final class ReadFailure extends IOException {
        private static final long serialVersionUID = 1L;

        ReadFailure(IOException cause) {
            super(cause);
        }
    }

    private static InputStream get(HttpClient http, String url) throws IOException, FaceAttrException {
        return send(http, url).body();
    }

    private static HttpResponse<InputStream> send(HttpClient http, String url) throws FaceAttrException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        } catch (IllegalArgumentException e) {
            throw new FaceAttrException("not a download address: " + url + " (" + e.getMessage() + ")");
        }
        if (r.statusCode() != 200) {
            try {
                r.body().close();
            } catch (IOException ignored) {
                // the status is the error
            }
            throw new FaceAttrException(url + " answered HTTP " + r.statusCode() + "; check the address (--mirror) "
                    + "or try again later");
        }
        return r;
    }

    private static FaceAttrException unreachable(String url, IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new FaceAttrException("cannot reach " + url + " (" + why + "). This download needs the internet, "
                + "or a mirror of " + SERVER + " given with --mirror URL; without either, set PYTORCH_LIBRARY_PATH "
                + "to a CUDA libtorch " + VERSION + " (docs/gpu.md)");
    }

    /** Removes the temporary folders of installs that were killed (Ctrl-C, power loss). */
    private static void removeLeftovers(Path cache) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(cache, PREFIX + "*")) {
            for (Path p : s) {
                deleteTree(p);
            }
        } catch (IOException ignored) {
            // nothing to clean, or not readable: the install itself reports what matters
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover is removed by the next install
        }
    }
}

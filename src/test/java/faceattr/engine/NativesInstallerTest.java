package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NativesInstaller} against a local server with the layout of DJL's ({@code files.txt},
 * gzipped libraries under {@code FLAVOR/CLASSIFIER/native/lib/}): what lands where, and that a
 * failed or cancelled download leaves nothing behind.
 */
class NativesInstallerTest {
    @TempDir
    Path cache;

    private HttpServer server;
    private final Map<String, byte[]> served = new HashMap<>();
    private final Map<String, byte[]> plain = new HashMap<>();
    private String base;

    @BeforeEach
    void serve() throws IOException {
        Random r = new Random(3);
        for (String name : List.of("libtorch.so", "libc10.so", "libtorch_cuda.so", "libcudart-d0da41ae.so.12")) {
            byte[] b = new byte[name.equals("libtorch_cuda.so") ? 3_000_000 : 20_000];
            r.nextBytes(b);
            plain.put(name, b);
            served.put("/2.7.1/cu128/linux-x86_64/native/lib/" + name + ".gz", gzip(b));
        }
        served.put("/2.7.1/cpu/linux-x86_64/native/lib/libtorch.so.gz", gzip(new byte[] {1, 2, 3}));
        StringBuilder index = new StringBuilder();
        for (String p : served.keySet()) {
            index.append(p.substring("/2.7.1/".length())).append('\n');
        }
        index.append("cu128/win-x86_64/native/lib/torch.dll.gz\n");
        served.put("/2.7.1/files.txt", index.toString().getBytes(StandardCharsets.US_ASCII));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            byte[] body = served.get(x.getRequestURI().getPath());
            if (body == null) {
                x.sendResponseHeaders(404, -1);
            } else {
                x.sendResponseHeaders(200, body.length);
                try (OutputStream o = x.getResponseBody()) {
                    o.write(body);
                }
            }
            x.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private List<Path> cacheEntries() throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.toList();
        }
    }

    @Test
    void theFlavourOfThisPlatformLandsUnpackedInDjlsFolder() throws Exception {
        List<Double> fractions = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        Progress p = new Progress() {
            @Override
            public void report(double fraction, String message) {
                fractions.add(fraction);
                messages.add(message);
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        Path dir = NativesInstaller.install(base, "cu128", "linux-x86_64", cache, false, 0, p);
        assertEquals(cache.resolve("2.7.1-cu128-linux-x86_64"), dir);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(plain.keySet(), new java.util.HashSet<>(s.map(f -> f.getFileName().toString()).toList()));
        }
        for (Map.Entry<String, byte[]> e : plain.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(dir.resolve(e.getKey())), e.getKey());
        }
        assertEquals(List.of(dir), cacheEntries(), "no temporary folder left");
        for (int i = 1; i < fractions.size(); i++) {
            assertTrue(fractions.get(i) >= fractions.get(i - 1), "progress goes back: " + fractions);
        }
        assertEquals(1.0, fractions.get(fractions.size() - 1));
        assertTrue(messages.stream().anyMatch(m -> m.matches("downloading libtorch_cuda\\.so \\(\\d/4\\) \\d+/3 MB")),
                String.join("\n", messages));
        // A second install finds it and downloads nothing.
        server.stop(0);
        assertEquals(dir, NativesInstaller.install(base, "cu128", "linux-x86_64", cache, false, 0, Progress.NONE));
    }

    @Test
    void aFileCutShortLeavesNothingBehind() throws Exception {
        String key = "/2.7.1/cu128/linux-x86_64/native/lib/libtorch_cuda.so.gz";
        byte[] whole = served.get(key);
        served.put(key, Arrays.copyOf(whole, whole.length / 2));
        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> NativesInstaller.install(base, "cu128", "linux-x86_64", cache, false, 0, Progress.NONE));
        assertTrue(e.getMessage().contains("libtorch_cuda.so.gz arrived damaged or cut short")
                && e.getMessage().contains("faceattr engine install gpu"), e.getMessage());
        assertEquals(List.of(), cacheEntries());
    }

    @Test
    void aMissingFileIsNamedWithItsHttpStatus() throws Exception {
        served.remove("/2.7.1/cu128/linux-x86_64/native/lib/libc10.so.gz");
        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> NativesInstaller.install(base, "cu128", "linux-x86_64", cache, false, 0, Progress.NONE));
        assertTrue(e.getMessage().contains("libc10.so.gz answered HTTP 404"), e.getMessage());
        assertEquals(List.of(), cacheEntries());
    }

    @Test
    void aPlatformWithoutThatFlavourIsSaidSo() {
        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> NativesInstaller.install(base, "cu128", "osx-aarch64", cache, false, 0, Progress.NONE));
        assertTrue(e.getMessage().contains("lists no cu128 natives for osx-aarch64")
                && e.getMessage().contains("PYTORCH_LIBRARY_PATH"), e.getMessage());
    }

    @Test
    void noNetworkNamesTheAddressTheMirrorOptionAndTheOtherWay() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> NativesInstaller.install(
                "http://127.0.0.1:" + closed, "cu128", "linux-x86_64", cache, false, 0, Progress.NONE));
        assertTrue(e.getMessage().startsWith("cannot reach http://127.0.0.1:" + closed + "/2.7.1/files.txt")
                && e.getMessage().contains("--mirror") && e.getMessage().contains("PYTORCH_LIBRARY_PATH"),
                e.getMessage());
    }

    @Test
    void tooLittleSpaceStopsBeforeDownloading() {
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> NativesInstaller.install(base, "cu128",
                "linux-x86_64", cache, false, Long.MAX_VALUE / 2, Progress.NONE));
        assertTrue(e.getMessage().contains("free for the CUDA natives") && e.getMessage().contains("ENGINE_CACHE_DIR"),
                e.getMessage());
    }

    @Test
    void cancellingMidFileAndAKilledInstallLeaveNothingBehind() throws Exception {
        Files.createDirectories(cache.resolve("faceattr-install-123").resolve("x")); // a killed install's leftover
        int[] reports = {0};
        Progress cancelLater = new Progress() {
            @Override
            public void report(double fraction, String message) {
                reports[0]++;
            }

            @Override
            public boolean isCancelled() {
                return reports[0] > 3;
            }
        };
        assertThrows(CancelledException.class,
                () -> NativesInstaller.install(base, "cu128", "linux-x86_64", cache, false, 0, cancelLater));
        assertEquals(List.of(), cacheEntries());
        assertFalse(Files.exists(cache.resolve("2.7.1-cu128-linux-x86_64")));
    }
}

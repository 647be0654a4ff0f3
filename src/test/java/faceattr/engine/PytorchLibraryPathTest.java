package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL's {@code PYTORCH_LIBRARY_PATH} way to other natives, as far as a CPU machine can try it: a
 * child JVM is pointed at a libtorch folder holding the natives without DJL's JNI library (as the
 * {@code torch/lib} of a pip-installed torch is), with an empty DJL cache. DJL alone guesses the
 * JNI flavour {@code cpu-precxx11}, which the bundled pytorch-jni jar does not have, and fails to
 * start; {@link Engines#configureNatives} names the flavour, and training starts on those natives.
 */
class PytorchLibraryPathTest {
    @TempDir
    Path tmp;

    @Test
    void trainingRunsOnTheLibtorchThatPytorchLibraryPathNames() throws Exception {
        Engines.engine();
        Path bundled = Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath());
        Path lib = Files.createDirectories(tmp.resolve("torch").resolve("lib"));
        try (Stream<Path> s = Files.list(bundled)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                if (name.matches(".*\\.so(\\.\\d+)*") && !name.contains("djl_torch")) {
                    Files.createSymbolicLink(lib.resolve(name), f);
                }
            }
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "faceattr.cli.Main", "info", "--engine")
                .redirectErrorStream(true);
        pb.environment().put("PYTORCH_LIBRARY_PATH", lib.toString());
        pb.environment().remove("PYTORCH_FLAVOR");
        pb.environment().put("ENGINE_CACHE_DIR", tmp.resolve("cache").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM hung");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("natives: " + lib + " (PYTORCH_LIBRARY_PATH, flavour cpu)"), out);

        // A flavour the user forces wrongly: the error names the path, the flavour and what to do.
        pb.environment().put("PYTORCH_FLAVOR", "cpu-precxx11");
        pb.environment().put("ENGINE_CACHE_DIR", tmp.resolve("cache2").toString());
        p = pb.start();
        String bad = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM hung");
        assertEquals(1, p.exitValue(), bad);
        assertTrue(bad.contains("PYTORCH_LIBRARY_PATH=" + lib + " (JNI flavour cpu-precxx11)")
                && bad.contains("leave PYTORCH_FLAVOR unset"), bad);
        // DJL put its JNI library for those natives in the (empty) cache it was given.
        try (Stream<Path> w = Files.walk(tmp.resolve("cache"))) {
            assertTrue(w.anyMatch(f -> f.getFileName().toString().endsWith("libdjl_torch.so")), "no JNI in the cache");
        }
        try (Stream<Path> s = Files.list(lib)) {
            for (Path f : s.toList()) {
                Files.delete(f); // the links, not the bundled natives
            }
        }
    }
}

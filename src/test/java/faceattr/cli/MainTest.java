package faceattr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's parsing through {@link Main#run}: usage errors (exit code 2, the option
 * named), help and {@code --verbose}. None of these runs reaches the engine.
 */
class MainTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run faceattr(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBadNumberIsAUsageErrorNamingTheOption() {
        Run r = faceattr("detect", "--min-face", "abc", "photo.jpg");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("Invalid value for option '--min-face': 'abc' is not a double"), r.err());
        assertTrue(r.err().contains("faceattr detect --help"), "says where the options are listed:\n" + r.err());
        assertEquals("", r.out());
    }

    @Test
    void aGpuThatCannotBeUsedIsAUsageErrorNamingTheWays(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(faceattr.engine.Accelerators.inference().usable()
                || faceattr.engine.Accelerators.training().usable(), "this machine has a usable GPU");
        Run r = faceattr("detect", "--device", "gpu", "--out", tmp.resolve("d").toString(), "sample-data/astronaut.png");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--device gpu:0: no usable GPU for inference") && r.err().contains("-Pgpu")
                && r.err().contains("--device cpu"), r.err());
        r = faceattr("train", "--device", "gpu:1", "--data", "rafdb:" + tmp, "--out", tmp.resolve("m").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no usable GPU for training") && r.err().contains("PYTORCH_LIBRARY_PATH")
                && r.err().contains("faceattr engine install gpu"), r.err());
        for (String text : List.of(r.err(), r.out())) {
            assertFalse(text.contains("Exception") || text.contains("\tat "), "no stack trace:\n" + text);
        }
        assertEquals(2, faceattr("analyze", "--device", "tpu", "x.jpg").code());
        // auto on this machine: the CPU, and not a word about it
        r = faceattr("detect", "--device", "auto", "--out", tmp.resolve("a").toString(), "sample-data/astronaut.png");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().toLowerCase(java.util.Locale.ROOT).contains("gpu"), r.err());
    }

    @Test
    void engineInstallWithoutNetworkSaysWhatToDoAndOnlyGpuIsInstallable() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(java.nio.file.Files.exists(
                faceattr.engine.NativesInstaller.installedDir()), "the CUDA natives are installed here");
        Run r = faceattr("engine", "install", "gpu", "--mirror", "http://127.0.0.1:" + closed);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("cannot reach http://127.0.0.1:" + closed + "/2.7.1/files.txt")
                && r.err().contains("PYTORCH_LIBRARY_PATH"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        r = faceattr("engine", "install", "cpu");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the one choice is gpu"), r.err());
    }

    @Test
    void infoEngineNamesBothEnginesAndWhyThereIsNoGpu() {
        Run r = faceattr("info", "--engine");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("inference: onnxruntime 1.29.0\n"), r.out());
        assertTrue(r.out().contains("\ntraining: pytorch 2.7.1 (DJL 0.36.0)\n"), r.out());
        assertEquals(2, r.out().split("\n  natives: ", -1).length - 1, r.out());
        assertEquals(2, r.out().split("\n  gpu: ", -1).length - 1, r.out());
    }

    @Test
    void anUnknownOptionOrCommandIsAUsageError() {
        Run r = faceattr("analyze", "--frobnicate", "photo.jpg");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--frobnicate"), r.err());
        assertEquals(2, faceattr("frobnicate").code());
        assertEquals(2, faceattr().code());
        assertEquals(2, faceattr("detect").code(), "no INPUT");
        assertEquals(2, faceattr("models", "frobnicate").code());
    }

    @Test
    void analyzeHelpListsItsOptions() {
        Run r = faceattr("analyze", "--help");
        assertEquals(0, r.code(), r.err());
        for (String option : List.of("--model", "--min-face", "--threshold", "--max-side", "--rfe", "--out",
                "--overlay", "--verbose", "INPUT")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        Run top = faceattr("--help");
        assertEquals(0, top.code());
        for (String command : List.of("detect", "analyze", "models", "train", "eval", "export", "bench", "info")) {
            assertTrue(top.out().contains("  " + command + " "), command + " in\n" + top.out());
        }
        Run version = faceattr("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("faceattr "), version.out());
    }

    @Test
    void verboseIsAcceptedBeforeAndAfterTheCommand() {
        String store = tmp.resolve("store").toString();
        Run before = faceattr("--verbose", "models", "list", "--dir", store);
        assertEquals(0, before.code(), before.err());
        assertTrue(Main.verbose());
        Run quiet = faceattr("models", "list", "--dir", store);
        assertEquals(0, quiet.code(), quiet.err());
        assertFalse(Main.verbose());
        Run after = faceattr("models", "list", "--dir", store, "--verbose");
        assertEquals(0, after.code(), after.err());
        assertTrue(Main.verbose());
        Run middle = faceattr("models", "--verbose", "--dir", store);
        assertEquals(0, middle.code(), middle.err());
        assertTrue(middle.out().contains("default: reference"), middle.out());
        faceattr("models", "list", "--dir", store); // leaves the library logs quiet for the tests that follow
    }

    @Test
    void rangeErrorsNameTheOptionAndTheRange() {
        Run threads = faceattr("bench", "--threads", "0");
        assertEquals(2, threads.code());
        assertTrue(threads.err().contains("--threads must be at least 1, was 0"), threads.err());
        Run repeat = faceattr("bench", "--repeat", "0");
        assertEquals(2, repeat.code());
        assertTrue(repeat.err().contains("--repeat must be at least 1, was 0"), repeat.err());
        Run lr = faceattr("train", "--data", "rafdb:" + tmp, "--out", tmp.resolve("m").toString(), "--lr", "0");
        assertEquals(2, lr.code());
        assertTrue(lr.err().contains("--lr must be greater than 0, was 0.0"), lr.err());
        Run momentum = faceattr("train", "--data", "rafdb:" + tmp, "--out", tmp.resolve("m").toString(),
                "--bn-momentum", "2");
        assertEquals(2, momentum.code());
        assertTrue(momentum.err().contains("--bn-momentum must be in (0, 1], was 2.0"), momentum.err());
        Run size = faceattr("export", "--from", tmp.toString(), "--format", "rafdb", "--out",
                tmp.resolve("d").toString(), "--size", "8");
        assertEquals(2, size.code());
        assertTrue(size.err().contains("--size must be 0 or at least 16"), size.err());
    }

    @Test
    void valuesTheCoreRefusesAreUsageErrorsWithItsMessage() {
        Run minFace = faceattr("detect", "--min-face", "5", "photo.jpg");
        assertEquals(2, minFace.code());
        assertTrue(minFace.err().contains("at least 12 pixels"), minFace.err());
        Run kind = faceattr("train", "--data", "imagenet:/x", "--out", tmp.resolve("m").toString());
        assertEquals(2, kind.code());
        assertTrue(kind.err().contains("'--data'") && kind.err().contains("utkface, fairface, rafdb or faceattr"),
                kind.err());
        Run stage = faceattr("bench", "--stage", "everything");
        assertEquals(2, stage.code());
        assertTrue(stage.err().contains("use detect, attributes, analyze, train or all, got 'everything'"),
                stage.err());
        Run task = faceattr("train", "--data", "rafdb:/x", "--out", tmp.resolve("m").toString(), "--tasks", "age,iq");
        assertEquals(2, task.code());
        assertTrue(task.err().contains("'--tasks'") && task.err().contains("got 'iq'"), task.err());
        assertEquals(2, faceattr("info", "--branch", "3").code(), "--branch goes with --architecture");
        assertEquals(2, faceattr("info", "--architecture", "--branch", "99").code());
    }
}

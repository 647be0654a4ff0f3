package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime 1.29 parses the process's command line recursively when it starts; on a Java
 * thread's 1 MB stack a command line over about 4 KB killed the JVM with SIGSEGV and no error
 * report (the review-window test's JVM, whose class path is the test class path, died so).
 * {@link OrtNet} starts it on a thread with a stack sized by the command line: a JVM with a 40 KB
 * command line must start ONNX Runtime and run a network on an ordinary thread.
 */
class OrtLongCommandLineTest {
    @TempDir
    Path tmp;

    /** Run in the child JVM. */
    public static void main(String[] args) throws Exception {
        faceattr.io.onnx.OnnxGraph g = new faceattr.io.onnx.OnnxGraph("probe");
        String y = g.node("Relu", g.input("x", 1, 3));
        g.output(y, "y", 1, 3);
        try (OrtNet net = OrtNet.open(g.toBytes(), "the probe")) {
            float[] out = net.run(new float[] {-1, 0, 2}, 1, 3).get(0);
            System.out.println("ORT_OK " + OrtNet.version() + " " + out[0] + " " + out[2]);
        }
    }

    @Test
    void onnxRuntimeStartsUnderACommandLineOf40KB() throws Exception {
        String padding = "x".repeat(40_000);
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss1m", "-Dfaceattr.test.padding=" + padding, "-cp", System.getProperty("java.class.path"),
                OrtLongCommandLineTest.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM hung");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "exit " + p.exitValue() + " (139: SIGSEGV):\n" + out);
        assertTrue(out.contains("ORT_OK") && out.contains(" 0.0 2.0"), out);
    }
}

package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DJL discovers engines through the thread's context class loader; inside Fiji that loader does
 * not see the plugin's jars. This runs {@link ClassLoaderProbe} in a fresh JVM (native libraries
 * can be bound to one class loader per JVM only) and checks that plain DJL fails there while
 * {@link Engines} finds the PyTorch engine.
 */
class EnginesClassLoaderTest {

    @Test
    void engineIsFoundFromAnIsolatedPluginClassLoader() throws Exception {
        // Surefire runs tests from a manifest-only jar; it publishes the real class path here.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-Dprobe.classpath=" + cp, "-cp", cp,
                ClassLoaderProbe.class.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe timed out");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> l.matches("^(direct|engines|context).*")).toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("direct: failed")),
                "without the fix DJL must not find an engine, else this test proves nothing:\n" + out);
        assertTrue(lines.contains("engines: PyTorch true"), out);
        assertTrue(lines.contains("context restored: true"), out);
    }
}

package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * glibc's settings for PyTorch where jemalloc cannot be preloaded (Fiji). In a child JVM without a
 * preloaded allocator, once {@link NativeHeap#tune()} ran, a 48 MB block (below the 64 MB of a
 * thread arena's heap) comes from glibc's heap and stays in the process when freed, and libtorch's
 * huge-page switch is on; with {@code -Dfaceattr.malloc=default} glibc maps the block separately, as
 * its defaults do, and the switch stays off. The speed this buys is measured by
 * {@code faceattr bench} (docs/performance.md), not here.
 */
class NativeHeapTest {
    private static final Pattern LINE = Pattern.compile(
            "thp=(\\S+) state=(\\S+) mmapped_delta=(-?\\d+) in_use_delta=(-?\\d+) heap_after_free_delta=(-?\\d+)");

    /** 44 MB of the 48 MB block. */
    private static final long MOST_OF_THE_BLOCK = 44L << 20;

    @Test
    void largeBlocksComeFromTheHeapAndStayForReuse() throws Exception {
        Matcher m = probe("tuned");
        assertEquals("glibc-tuned", m.group(2), m.group());
        assertEquals("1", m.group(1), "libtorch's huge pages switched on: " + m.group());
        assertEquals(0, Long.parseLong(m.group(3)), "a tuned glibc must not mmap the block: " + m.group());
        // Other JVM threads allocate and free meanwhile: the deltas move by some kilobytes (CI: 32 KB).
        assertTrue(Long.parseLong(m.group(4)) >= MOST_OF_THE_BLOCK, "the block is in the heap's use: " + m.group());
        assertTrue(Long.parseLong(m.group(5)) >= MOST_OF_THE_BLOCK, "freed memory must stay in the heap: " + m.group());
    }

    @Test
    void theDefaultsStayWhenTheUserAsks() throws Exception {
        Matcher m = probe("default");
        assertEquals("glibc", m.group(2), m.group());
        assertEquals("null", m.group(1), m.group());
        assertTrue(Long.parseLong(m.group(3)) >= 48L << 20, "glibc's defaults mmap a 48 MB block: " + m.group());
        assertTrue(Long.parseLong(m.group(4)) < MOST_OF_THE_BLOCK, "not from the heap: " + m.group());
    }

    private static Matcher probe(String malloc) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfaceattr.malloc=" + malloc, "-cp", System.getProperty("java.class.path"),
                NativeHeapProbe.class.getName())).redirectErrorStream(true);
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove("MALLOC_CONF");
        pb.environment().remove(NativeHeap.THP);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM hung");
        assertEquals(0, p.exitValue(), out);
        Matcher m = LINE.matcher(out);
        assertTrue(m.find(), out);
        return m;
    }
}

package faceattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import org.junit.jupiter.api.Test;

/** The benchmark runs and reports sane numbers; its speed is measured by hand, not asserted. */
class BenchmarksTest {

    @Test
    void runs() throws FaceAttrException {
        Benchmarks.Result r = Benchmarks.attributes(ModelConfig.DEFAULT, 2, 3, true, 0);
        // The record holds what was asked and measured, and the BENCH line reports those values.
        assertEquals(2, r.batch());
        assertEquals(3, r.repeats());
        assertEquals(ModelConfig.DEFAULT, r.config());
        assertEquals(2 / (r.medianMs() / 1000), r.facesPerSecond(), 1e-9);
        assertTrue(r.line().contains(String.format(java.util.Locale.ROOT, " ms_per_batch=%.1f min_ms=%.1f max_ms=%.1f ",
                r.medianMs(), r.minMs(), r.maxMs())), r.line());
        assertTrue(r.line().endsWith(" repeats=3"), r.line());
        assertTrue(r.line().startsWith("attributes input=112 batch=2 "), r.line());
    }
}

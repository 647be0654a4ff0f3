package faceattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import org.junit.jupiter.api.Test;

/** The benchmark runs and reports sane numbers; its speed is measured by hand, not asserted. */
class BenchmarksTest {

    @Test
    void runs() throws FaceAttrException {
        Benchmarks.Result r = Benchmarks.attributes(ModelConfig.DEFAULT, 2, 2, true, 0);
        assertEquals(2, r.batch());
        assertTrue(r.minMs() > 0 && r.minMs() <= r.medianMs() && r.medianMs() <= r.maxMs(), r.line());
        assertTrue(r.line().startsWith("attributes input=112 batch=2 "), r.line());
    }
}

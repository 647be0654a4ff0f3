package faceattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The analytic report; its parameter counts are checked against DJL in {@link MultiTaskNetTest}. */
class ArchitectureTest {

    @Test
    void backboneMatchesTorchvision() {
        Architecture.Cost c = Architecture.backbone(0, MobileNetV3Large.STAGES, 224);
        assertEquals(2_971_952L, c.params());
        assertEquals(24_400L, c.buffers());
        // torchvision quotes 217M MACs for the whole classifier model; its classifier (960x1280
        // + 1280x1000) is 2.51M of them
        assertEquals(217e6 - 2.51e6, c.macs(), 0.01 * 217e6);
        // the stages partition the backbone
        Architecture.Cost parts = Architecture.Cost.ZERO;
        for (int s = 0; s < MobileNetV3Large.STAGES; s++) {
            parts = parts.plus(Architecture.backbone(s, s + 1, 224));
        }
        assertEquals(c, parts);
    }

    @Test
    void sharingEverythingIsCheapestAndNothingEqualsSingleTasks() {
        ModelConfig none = ModelConfig.builder().optBranchPoint(0).build();
        // k = 0 with the default groups is exactly the four single-task networks
        assertEquals(Architecture.singleTaskSum(none), Architecture.of(none).total());
        long previous = Long.MAX_VALUE;
        for (int k = 0; k <= MobileNetV3Large.STAGES; k++) {
            long p = Architecture.of(ModelConfig.builder().optBranchPoint(k).build()).total().params();
            assertTrue(p <= previous, "parameters must not grow with sharing, k=" + k);
            previous = p;
        }
    }

    @Test
    void tableHasARowPerBranchPoint() {
        for (int size : ModelConfig.INPUT_SIZES) {
            String t = Architecture.table(size);
            assertEquals(MobileNetV3Large.STAGES + 1, t.lines().filter(l -> l.matches("\\| \\d.*")).count(), t);
            assertTrue(t.contains("| 7 * |"), t);
        }
        String info = Architecture.info(3, 224);
        assertTrue(info.contains("branch=3/7"), info);
        assertTrue(info.contains("| 3 * |"), info);
    }
}

package faceattr.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** P-Net's image pyramid against scales worked out by hand (bc, 20 digits). */
class PyramidTest {

    @Test
    void scalesOf512SquareAtMinFace20() {
        // First scale 12/20 = 0.6, then x0.709; the short side 512*s must stay >= 12:
        // 307.2, 217.80, 154.42, 109.49, 77.63, 55.04, 39.02, 27.67, 19.62, 13.91 (next 9.86 stops).
        double[] expected = {0.6, 0.4254, 0.3016086, 0.2138404974, 0.1516129126566, 0.1074935550735294,
            0.0762129305471323446, 0.05403496775791683232, 0.03831079214036303411, 0.02716235162751739118};
        List<Double> scales = Pyramid.scales(512, 512, 20, 0.709);
        assertEquals(expected.length, scales.size(), "scales " + scales);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], scales.get(i), 1e-12, "scale " + i);
        }
    }

    @Test
    void shortSideDecidesTheNumberOfLevels() {
        // 512 wide but 100 high: 60, 42.54, 30.16, 21.38, 15.16 (next 10.75 stops) -> 5 levels.
        List<Double> scales = Pyramid.scales(512, 100, 20, 0.709);
        assertEquals(5, scales.size(), "scales " + scales);
        assertEquals(Pyramid.scales(100, 512, 20, 0.709), scales);
    }

    @Test
    void aWindowSizedImageGivesExactlyOneLevel() {
        // 12x12 at min_face 12: scale 1 gives a 12-pixel side (kept: >= 12), the next 8.5 does not.
        assertEquals(List.of(1.0), Pyramid.scales(12, 12, 12, 0.709));
    }

    @Test
    void imagesSmallerThanTheWindowGiveNoScales() {
        assertTrue(Pyramid.scales(11, 11, 12, 0.709).isEmpty());
        assertTrue(Pyramid.scales(10, 8, 12, 0.709).isEmpty());
        assertTrue(Pyramid.scales(1000, 11, 12, 0.709).isEmpty());
        // 19 px at min_face 20 becomes 11.4 px: nothing fits.
        assertTrue(Pyramid.scales(19, 19, 20, 0.709).isEmpty());
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Pyramid.scales(512, 512, 11.9, 0.709));
        assertThrows(IllegalArgumentException.class, () -> Pyramid.scales(512, 512, 0, 0.709));
        assertThrows(IllegalArgumentException.class, () -> Pyramid.scales(512, 512, 20, 1));
        assertThrows(IllegalArgumentException.class, () -> Pyramid.scales(512, 512, 20, 0));
        assertThrows(IllegalArgumentException.class,
                () -> DetectorSettings.builder().optMinFace(11).build());
    }

    @Test
    void scaledSizeRoundsUp() {
        assertEquals(308, Pyramid.scaledSize(512, 0.6)); // 307.2
        assertEquals(6, Pyramid.scaledSize(10, 0.55)); // 5.5
        assertEquals(12, Pyramid.scaledSize(12, 1.0));
    }
}

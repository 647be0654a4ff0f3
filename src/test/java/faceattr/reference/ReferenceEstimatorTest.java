package faceattr.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.RgbImage;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.estimate.FaceAttributes;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Task;
import org.junit.jupiter.api.Test;

class ReferenceEstimatorTest {
    @Test
    void normalCdfMatchesKnownValues() {
        assertEquals(0.5, ReferenceEstimator.normalCdf(0), 1e-7);
        assertEquals(0.8413447, ReferenceEstimator.normalCdf(1), 1e-6);
        assertEquals(0.0227501, ReferenceEstimator.normalCdf(-2), 1e-6);
        assertEquals(0.9986501, ReferenceEstimator.normalCdf(3), 1e-6);
    }

    @Test
    void ageGroupsIntegrateTheAgeDistribution() {
        // Mean 25, sd 5: P(20 <= age < 30) = Phi(1) - Phi(-1) = 0.6827.
        double[] p = ReferenceEstimator.ageGroupProbabilities(25, 5);
        assertEquals(LabelSpaces.AGE_GROUP.size(), p.length);
        assertEquals(0.682689, p[LabelSpaces.ageGroupOf(25)], 1e-5);
        double sum = 0;
        for (double v : p) {
            assertTrue(v >= 0);
            sum += v;
        }
        assertEquals(1, sum, 1e-9);
        // Far beyond the last start, everything is in "more than 70".
        double[] old = ReferenceEstimator.ageGroupProbabilities(95, 5);
        assertEquals(1, old[old.length - 1], 1e-6);
        double[] baby = ReferenceEstimator.ageGroupProbabilities(0.5, 0.5);
        assertEquals(0, LabelSpaces.ageGroupOf(0.5));
        assertTrue(baby[0] > 0.99, java.util.Arrays.toString(baby));
    }

    @Test
    void mapsFaceApiOutputsIntoTheProductSpaces() {
        // face-api order: neutral, happy, sad, angry, fearful, disgusted, surprised
        float[] expr = {0.05f, 0.7f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f};
        FaceAttributes a = ReferenceEstimator.toAttributes(41.6, new double[] {0.2, 0.8}, expr);
        assertEquals("happiness", a.label(Task.EMOTION));
        assertEquals(0.7, a.probability(Task.EMOTION), 1e-6);
        assertEquals("female", a.label(Task.GENDER));
        assertEquals(41.6, a.ageMean(), 1e-9);
        assertEquals(ReferenceEstimator.AGE_STD, a.ageStd(), 1e-12);
        assertEquals("40-49", a.label(Task.AGE_GROUP));
        assertFalse(a.has(Task.RACE));
        assertEquals("reference", a.modelName());
        // A negative regression output becomes age 0, never an invalid value.
        assertEquals(0, ReferenceEstimator.toAttributes(-2, new double[] {0.5, 0.5}, expr).ageMean(), 0);
        float[] surprised = {0, 0, 0, 0, 0, 0, 1};
        assertEquals("surprise",
                ReferenceEstimator.toAttributes(30, new double[] {1, 0}, surprised).label(Task.EMOTION));
    }

    @Test
    void cropFollowsFaceApiAlignedRect() {
        // Eyes at (40, 50) and (60, 50), mouth corners at (42, 70) and (58, 70): mouth centre
        // (50, 70), eye-to-mouth distance sqrt(100 + 400) = 22.36 -> side floor(22.36 / 0.45) = 49;
        // centre of the three points (50, 56.67) -> x1 = floor(50 - 24.5) = 25, y1 = floor(56.67 - 22.05) = 34.
        Landmarks lm = new Landmarks(new double[] {40, 50, 60, 50, 50, 60, 42, 70, 58, 70});
        assertArrayEquals(new int[] {25, 34, 74, 83}, ReferenceEstimator.cropBox(lm, 200, 200));
        // Clipped at the image border.
        assertArrayEquals(new int[] {25, 34, 60, 60}, ReferenceEstimator.cropBox(lm, 60, 60));
    }

    @Test
    void cropIsPaddedToACentredSquareAndResized() throws Exception {
        byte[] px = new byte[60 * 60 * 3];
        java.util.Arrays.fill(px, (byte) 200);
        RgbImage img = new RgbImage(60, 60, px);
        Landmarks lm = new Landmarks(new double[] {40, 50, 60, 50, 50, 60, 42, 70, 58, 70});
        DetectedFace face = new DetectedFace(new Box(20, 30, 40, 30), 0.99, lm);
        try (ReferenceEstimator e = ReferenceEstimator.create()) {
            RgbImage c = e.crop(img, face);
            assertEquals(112, c.width());
            assertEquals(112, c.height());
            // 35 x 26 clipped box padded to 35 x 35: black bands top and bottom, image in the middle.
            assertEquals(0, c.pixels()[(2 * 112 + 56) * 3] & 0xff);
            assertEquals(200, c.pixels()[(56 * 112 + 56) * 3] & 0xff);
            RgbImage wrong = new RgbImage(50, 50, new byte[50 * 50 * 3]);
            assertThrows(IllegalArgumentException.class, () -> e.estimate(java.util.List.of(wrong)));
        }
    }
}

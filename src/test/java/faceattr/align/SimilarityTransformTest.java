package faceattr.align;

import faceattr.image.SimilarityTransform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SimilarityTransformTest {

    private static SimilarityTransform randomTransform(Random rnd) {
        return SimilarityTransform.ofScaleRotation(0.2 + 4.8 * rnd.nextDouble(), (2 * rnd.nextDouble() - 1) * Math.PI,
                (2 * rnd.nextDouble() - 1) * 500, (2 * rnd.nextDouble() - 1) * 500);
    }

    private static double[] randomPoints(Random rnd, int n) {
        double[] xy = new double[2 * n];
        for (int i = 0; i < xy.length; i++) {
            xy[i] = 400 * rnd.nextDouble();
        }
        return xy;
    }

    private static double residual(SimilarityTransform t, double[] src, double[] dst) {
        double[] mapped = t.applyAll(src);
        double sum = 0;
        for (int i = 0; i < dst.length; i++) {
            sum += (mapped[i] - dst[i]) * (mapped[i] - dst[i]);
        }
        return sum;
    }

    @Test
    void fitRecoversAKnownTransformExactlyFromFivePoints() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 50; trial++) {
            SimilarityTransform truth = randomTransform(rnd);
            double[] src = randomPoints(rnd, 5);
            SimilarityTransform fit = SimilarityTransform.fit(src, truth.applyAll(src));
            assertArrayEquals(truth.toMatrix(), fit.toMatrix(), 1e-9, "trial " + trial);
            assertEquals(truth.scale(), fit.scale(), 1e-9);
            assertEquals(truth.rotationRadians(), fit.rotationRadians(), 1e-9);
        }
    }

    @Test
    void fitRecoversATransformFromTwoPoints() {
        SimilarityTransform truth = SimilarityTransform.ofScaleRotation(2, 0.3, 5, -7);
        double[] src = {10, 20, 30, 25};
        assertArrayEquals(truth.toMatrix(), SimilarityTransform.fit(src, truth.applyAll(src)).toMatrix(), 1e-9);
    }

    @Test
    void fitWithNoiseMinimisesTheSquaredResidual() {
        Random rnd = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            SimilarityTransform truth = randomTransform(rnd);
            double[] src = randomPoints(rnd, 5);
            double[] dst = truth.applyAll(src);
            for (int i = 0; i < dst.length; i++) {
                dst[i] += 3 * rnd.nextGaussian();
            }
            SimilarityTransform fit = SimilarityTransform.fit(src, dst);
            double best = residual(fit, src, dst);
            assertTrue(best > 0, "noise must leave a residual");
            for (int k = 0; k < 200; k++) {
                double step = Math.pow(10, -4 + 3 * rnd.nextDouble());
                SimilarityTransform other = SimilarityTransform.of(fit.a() + step * rnd.nextGaussian() / 100,
                        fit.b() + step * rnd.nextGaussian() / 100, fit.tx() + step * rnd.nextGaussian(),
                        fit.ty() + step * rnd.nextGaussian());
                assertTrue(residual(other, src, dst) > best,
                        "perturbed parameters fit better: " + other + " vs " + fit);
            }
        }
    }

    @Test
    void fitNeverReflects() {
        // A mirror image cannot be matched by rotation and scale, so a residual must remain.
        double[] src = {0, 0, 10, 0, 0, 5, 3, 7};
        double[] dst = {0, 0, -10, 0, 0, 5, -3, 7};
        SimilarityTransform fit = SimilarityTransform.fit(src, dst);
        assertTrue(residual(fit, src, dst) > 10, "a reflection slipped through: " + fit);
        assertTrue(fit.scale() < 1, "fit: " + fit);
    }

    @Test
    void inverseUndoesTheTransform() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            SimilarityTransform t = randomTransform(rnd);
            double[] p = randomPoints(rnd, 7);
            assertArrayEquals(p, t.inverse().applyAll(t.applyAll(p)), 1e-9);
            assertArrayEquals(p, t.applyAll(t.inverse().applyAll(p)), 1e-9);
            assertArrayEquals(SimilarityTransform.identity().toMatrix(), t.then(t.inverse()).toMatrix(), 1e-12);
        }
    }

    @Test
    void thenAppliesThisFirst() {
        Random rnd = new Random(4);
        SimilarityTransform first = randomTransform(rnd);
        SimilarityTransform second = randomTransform(rnd);
        double[] p = randomPoints(rnd, 4);
        assertArrayEquals(second.applyAll(first.applyAll(p)), first.then(second).applyAll(p), 1e-9);
    }

    @Test
    void accessorsDescribeTheTransform() {
        SimilarityTransform t = SimilarityTransform.ofScaleRotation(2, Math.PI / 2, 3, 4);
        assertEquals(2, t.scale(), 1e-12);
        assertEquals(Math.PI / 2, t.rotationRadians(), 1e-12);
        assertArrayEquals(new double[] {0, -2, 3, 2, 0, 4}, t.toMatrix(), 1e-12);
        // +x turns towards +y: (1, 0) -> (0, 2) before translation.
        assertArrayEquals(new double[] {3, 6}, t.apply(1, 0), 1e-12);
    }

    @Test
    void degenerateInputIsRejectedWithAReason() {
        double[] dst = {0, 0, 1, 0, 0, 1};
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> SimilarityTransform.fit(new double[] {5, 5, 5, 5, 5, 5}, dst));
        assertTrue(same.getMessage().contains("source points coincide"), same.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> SimilarityTransform.fit(new double[] {0, 0, Double.NaN, 1, 2, 2}, dst));
        assertTrue(nan.getMessage().contains("not finite"), nan.getMessage());
        IllegalArgumentException collapsed = assertThrows(IllegalArgumentException.class,
                () -> SimilarityTransform.fit(dst, new double[] {7, 7, 7, 7, 7, 7}));
        assertTrue(collapsed.getMessage().contains("destination points coincide"), collapsed.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> SimilarityTransform.fit(new double[] {1, 2}, new double[] {3, 4}));
        assertTrue(one.getMessage().contains("at least 2"), one.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.fit(new double[4], new double[6]));
        assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.ofScaleRotation(0, 0, 0, 0));
    }

    @Test
    void nearlyCoincidentFarAwayPointsAreRejected() {
        // A spread of 1e-10 px around (1e6, 1e6) is one unit of double rounding there, not geometry.
        double[] src = {1e6, 1e6, 1e6 + 1e-10, 1e6};
        assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.fit(src, new double[] {0, 0, 1, 0}));
    }
}

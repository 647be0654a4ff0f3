package faceattr.model.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import faceattr.labels.Task;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The multi-task loss against values and gradients derived by hand in Java doubles: masking
 * (exactly zero loss and gradient), task weights, the grouped 5-class race loss, class weights,
 * the age loss and the uncertainty weighting.
 */
class MultiTaskLossTest {
    private static final int[] WIDTHS = {101, 9, 2, 7, 7};

    /** Logits per task, row-major (N, K), and the gradients a run leaves on them. */
    private record Run(LossResult result, float[][] grads, Map<String, Float> values) {
    }

    private static float[][] randomLogits(int n, long seed) {
        Random r = new Random(seed);
        float[][] z = new float[WIDTHS.length][];
        for (int t = 0; t < WIDTHS.length; t++) {
            z[t] = new float[n * WIDTHS[t]];
            for (int i = 0; i < z[t].length; i++) {
                z[t][i] = (float) (2 * r.nextGaussian());
            }
        }
        return z;
    }

    /** Runs the loss on fresh leaf logits, back-propagates the total, and copies everything out. */
    private static Run run(NDManager m, MultiTaskLoss loss, float[][] z, Labels labels) throws FaceAttrException {
        return run(m, loss, z, labels, () -> { });
    }

    /** As above, running {@code between} after the forward and before the backward pass. */
    private static Run run(NDManager m, MultiTaskLoss loss, float[][] z, Labels labels, Runnable between)
            throws FaceAttrException {
        NDList logits = new NDList();
        for (int t = 0; t < WIDTHS.length; t++) {
            NDArray a = m.create(z[t], new Shape(labels.size(), WIDTHS[t]));
            a.setRequiresGradient(true);
            logits.add(a);
        }
        LossResult r;
        try (GradientCollector gc = Engines.engine().newGradientCollector()) {
            r = loss.compute(logits, labels);
            between.run();
            gc.backward(r.total());
        }
        float[][] g = new float[WIDTHS.length][];
        for (int t = 0; t < WIDTHS.length; t++) {
            g[t] = logits.get(t).getGradient().toFloatArray();
        }
        return new Run(r, g, r.values());
    }

    private static double[] softmax(float[] z, int row, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[row * k + j]);
        }
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            p[j] = Math.exp(z[row * k + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < k; j++) {
            p[j] /= sum;
        }
        return p;
    }

    private static float[] row(float[] a, int row, int k) {
        float[] out = new float[k];
        System.arraycopy(a, row * k, out, 0, k);
        return out;
    }

    private static void assertAllExactlyZero(float[] g, String what) {
        for (int i = 0; i < g.length; i++) {
            assertEquals(0f, g[i], 0f, what + "[" + i + "]");
        }
    }

    @Test
    void maskedSamplesAndEmptyTasksGiveExactlyZeroLossAndGradient() throws FaceAttrException {
        float[][] z = randomLogits(3, 1);
        // Garbage where nothing is labelled: NaN must not leak into loss or gradients.
        for (int j = 0; j < 7; j++) {
            z[Task.EMOTION.ordinal()][7 + j] = Float.NaN; // sample 1 has no emotion
        }
        for (int j = 0; j < z[Task.GENDER.ordinal()].length; j++) {
            z[Task.GENDER.ordinal()][j] = Float.NaN; // nobody has a gender
        }
        for (int j = 0; j < 101; j++) {
            z[Task.AGE.ordinal()][2 * 101 + j] = Float.POSITIVE_INFINITY; // sample 2 has no age
        }
        Labels labels = Labels.builder(3).age(0, 23.4).age(1, 61).label(Target.AGE_GROUP, 0, 3)
                .label(Target.AGE_GROUP, 2, 8).label(Target.RACE7, 0, 2).label(Target.RACE5, 1, 2)
                .label(Target.RACE5, 2, 4).label(Target.EMOTION, 0, 1).label(Target.EMOTION, 2, 6).build();
        try (NDManager m = Engines.newManager()) {
            Run r = run(m, MultiTaskLoss.defaults(), z, labels);
            assertTrue(Float.isFinite(r.values.get("total")), "total " + r.values);
            assertEquals(0, r.result.labelled(Task.GENDER));
            assertEquals(0f, r.values.get("gender"), 0f, "a task without labels must contribute exactly 0");
            assertEquals(0f, r.values.get("weight.gender"), 0f);
            assertAllExactlyZero(r.grads[Task.GENDER.ordinal()], "gender grad");
            assertAllExactlyZero(row(r.grads[Task.EMOTION.ordinal()], 1, 7), "emotion grad of unlabelled sample");
            assertAllExactlyZero(row(r.grads[Task.AGE.ordinal()], 2, 101), "age grad of unlabelled sample");
            assertAllExactlyZero(row(r.grads[Task.AGE_GROUP.ordinal()], 1, 9), "age group grad of unlabelled sample");
            assertTrue(Math.abs(r.grads[Task.EMOTION.ordinal()][0]) > 0, "labelled samples do get gradient");
            // Emotion = mean cross-entropy over samples 0 and 2 only.
            float[] e = z[Task.EMOTION.ordinal()];
            double expected = -(Math.log(softmax(e, 0, 7)[1]) + Math.log(softmax(e, 2, 7)[6])) / 2;
            assertEquals(expected, r.values.get("emotion"), 1e-5);
            // With all weights 1 the total is the plain sum of task losses.
            double sum = 0;
            for (Task t : Task.values()) {
                sum += r.values.get(t.key());
            }
            assertEquals(sum, r.values.get("total"), 1e-4);
            assertEquals(2, r.result.labelled(Task.AGE));
            assertEquals(3, r.result.labelled(Task.RACE));
        }
    }

    @Test
    void aBatchWithNoLabelsAtAllGivesZero() throws FaceAttrException {
        try (NDManager m = Engines.newManager()) {
            Run r = run(m, MultiTaskLoss.defaults(), randomLogits(2, 2), Labels.builder(2).build());
            assertEquals(0f, r.values.get("total"), 0f);
            for (float[] g : r.grads) {
                assertAllExactlyZero(g, "grad");
            }
        }
    }

    private static Labels fullLabels() {
        return Labels.builder(4).age(0, 5).age(1, 33.3).age(3, 80).label(Target.AGE_GROUP, 0, 1)
                .label(Target.AGE_GROUP, 2, 4).label(Target.GENDER, 0, 0).label(Target.GENDER, 1, 1)
                .label(Target.GENDER, 3, 1).label(Target.RACE7, 1, 6).label(Target.RACE5, 3, 2)
                .label(Target.EMOTION, 2, 3).label(Target.EMOTION, 3, 5).build();
    }

    @Test
    void doublingATaskWeightDoublesItsGradientOnly() throws FaceAttrException {
        float[][] z = randomLogits(4, 3);
        try (NDManager m = Engines.newManager()) {
            Run base = run(m, MultiTaskLoss.defaults(), z, fullLabels());
            Run doubled = run(m, MultiTaskLoss.builder().optTaskWeight(Task.GENDER, 2).build(), z, fullLabels());
            for (Task t : Task.values()) {
                float[] a = base.grads[t.ordinal()];
                float[] b = doubled.grads[t.ordinal()];
                for (int i = 0; i < a.length; i++) {
                    float expected = t == Task.GENDER ? 2 * a[i] : a[i];
                    assertEquals(expected, b[i], Math.abs(expected) * 1e-6f, t + " grad " + i);
                }
            }
            assertTrue(Math.abs(base.grads[Task.GENDER.ordinal()][0]) > 1e-4, "the gender gradient is not trivial");
            assertEquals(base.values.get("total") + base.values.get("gender"), doubled.values.get("total"), 1e-4);
            assertEquals(2f, doubled.values.get("weight.gender"), 0f);
        }
    }

    @Test
    void race5IsTheNllOfSummedSevenClassProbabilities() throws FaceAttrException {
        float[][] z = randomLogits(3, 4);
        float[] race = {0.5f, -1, 2, 0.3f, 1.1f, -0.4f, 0.8f, // Others = Latino_Hispanic + Middle Eastern
            0, 0, -200, -200, -200, 0, -150, // Others again: p underflows in float, fine in log space
            1, 2, 3, 4, 5, 6, 7}; // has both labels: the 7-class one is used
        z[Task.RACE.ordinal()] = race;
        Labels labels = Labels.builder(3).label(Target.RACE5, 0, 4).label(Target.RACE5, 1, 4)
                .label(Target.RACE5, 2, 0).label(Target.RACE7, 2, 3).build();
        try (NDManager m = Engines.newManager()) {
            Run r = run(m, MultiTaskLoss.defaults(), z, labels);
            int[][] groups = {{0}, {1}, {3, 4}, {5}, {2, 6}};
            double sum5 = 0;
            double[][] grad = new double[3][7];
            for (int s = 0; s < 2; s++) {
                double[] p = softmax(race, s, 7);
                double pg = p[2] + p[6];
                sum5 += -Math.log(pg);
                for (int k = 0; k < 7; k++) {
                    boolean member = k == 2 || k == 6;
                    grad[s][k] = (p[k] - (member ? p[k] / pg : 0)) / 3; // mean over the 3 race-labelled samples
                }
            }
            double[] p2 = softmax(race, 2, 7);
            double ce7 = -Math.log(p2[3]);
            for (int k = 0; k < 7; k++) {
                grad[2][k] = (p2[k] - (k == 3 ? 1 : 0)) / 3;
            }
            assertEquals(151.0986, -Math.log(softmax(race, 1, 7)[2] + softmax(race, 1, 7)[6]), 1e-4, "hand value");
            assertEquals(sum5 / 2, r.values.get(LossResult.RACE5), 1e-5 * sum5);
            assertEquals(ce7, r.values.get(LossResult.RACE7), 1e-5);
            assertEquals((sum5 + ce7) / 3, r.values.get("race"), 1e-5 * sum5);
            assertEquals(3, r.result.labelled(Task.RACE));
            float[] g = r.grads[Task.RACE.ordinal()];
            for (int s = 0; s < 3; s++) {
                for (int k = 0; k < 7; k++) {
                    assertEquals(grad[s][k], g[s * 7 + k], 1e-6, "d race / d z[" + s + "][" + k + "]");
                }
            }
            // the groups used by the loss are those of the label map
            for (int gi = 0; gi < groups.length; gi++) {
                assertArrayEquals(groups[gi], LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.sourcesOf(gi));
            }
        }
    }

    @Test
    void classWeightsAreCuisEffectiveNumbersAndScaleEachSample() throws FaceAttrException {
        long[] counts = {3000, 4772, 1900, 700, 281, 700, 1300};
        double beta = 0.999;
        float[] w = ClassWeights.effectiveNumber(counts, beta);
        double[] inv = new double[7];
        double s = 0;
        for (int c = 0; c < 7; c++) {
            inv[c] = (1 - beta) / (1 - Math.pow(beta, counts[c]));
            s += inv[c];
        }
        for (int c = 0; c < 7; c++) {
            assertEquals(inv[c] * 7 / s, w[c], 1e-6, "class " + c);
        }
        assertArrayEquals(new float[] {20f / 11, 2f / 11}, ClassWeights.inverseFrequency(new long[] {10, 100}), 1e-6f);
        assertArrayEquals(new float[] {1, 1, 1}, ClassWeights.effectiveNumber(new long[] {1, 50, 5000}, 0), 1e-6f);

        float[][] z = randomLogits(4, 5);
        int[] y = {0, 4, 4, 1};
        Labels.Builder b = Labels.builder(4);
        for (int i = 0; i < 4; i++) {
            b.label(Target.EMOTION, i, y[i]);
        }
        Labels labels = b.build();
        try (NDManager m = Engines.newManager()) {
            Run plain = run(m, MultiTaskLoss.defaults(), z, labels);
            Run weighted = run(m, MultiTaskLoss.builder().optClassWeights(Target.EMOTION, w).build(), z, labels);
            double expected = 0;
            double unweighted = 0;
            for (int i = 0; i < 4; i++) {
                double nll = -Math.log(softmax(z[Task.EMOTION.ordinal()], i, 7)[y[i]]);
                expected += w[y[i]] * nll / 4;
                unweighted += nll / 4;
            }
            assertEquals(unweighted, plain.values.get("emotion"), 1e-5);
            assertEquals(expected, weighted.values.get("emotion"), 1e-5);
            assertNotEquals(plain.values.get("emotion"), weighted.values.get("emotion"), 1e-3f);
        }
    }

    @Test
    void ageLossIsSoftCrossEntropyPlusL1OnTheExpectation() throws FaceAttrException {
        float[][] z = randomLogits(2, 6);
        double[] years = {23.4, 110}; // 110 is clamped to the last bin
        Labels labels = Labels.builder(2).age(0, years[0]).age(1, years[1]).build();
        double sigma = 3;
        double l1w = 0.25;
        MultiTaskLoss loss = MultiTaskLoss.builder().optAgeSigma(sigma).optAgeL1Weight(l1w).build();
        try (NDManager m = Engines.newManager()) {
            Run r = run(m, loss, z, labels);
            double ce = 0;
            double l1 = 0;
            double[][] grad = new double[2][101];
            for (int s = 0; s < 2; s++) {
                double a = Math.min(100, years[s]);
                double[] q = new double[101];
                double qs = 0;
                for (int k = 0; k <= 100; k++) {
                    q[k] = Math.exp(-(k - a) * (k - a) / (2 * sigma * sigma));
                    qs += q[k];
                }
                double[] p = softmax(z[0], s, 101);
                double mean = 0;
                for (int k = 0; k <= 100; k++) {
                    q[k] /= qs;
                    ce -= q[k] * Math.log(p[k]) / 2;
                    mean += p[k] * k;
                }
                l1 += Math.abs(mean - a) / 2;
                for (int k = 0; k <= 100; k++) {
                    grad[s][k] = ((p[k] - q[k]) + l1w * Math.signum(mean - a) * p[k] * (k - mean)) / 2;
                }
            }
            assertEquals(ce, r.values.get(LossResult.AGE_CE), 1e-5);
            assertEquals(l1, r.values.get(LossResult.AGE_L1), 1e-4);
            assertEquals(ce + l1w * l1, r.values.get("age"), 1e-4);
            for (int s = 0; s < 2; s++) {
                for (int k = 0; k <= 100; k++) {
                    assertEquals(grad[s][k], r.grads[0][s * 101 + k], 1e-5, "d age / d z[" + s + "][" + k + "]");
                }
            }
        }
        double[] q = MultiTaskLoss.ageTarget(30, 2);
        assertEquals(Math.exp(-1.0 / 8), q[31] / q[30], 1e-12);
        assertEquals(1.0, java.util.Arrays.stream(q).sum(), 1e-12);
        double[] sharp = MultiTaskLoss.ageTarget(30.3, 1e-3);
        assertEquals(1.0, sharp[30], 1e-12, "a tiny sigma must not underflow to NaN");
    }

    @Test
    void theAgeHeadMayHaveAnyNumberOfBins() throws FaceAttrException {
        int bins = 81; // ages 0..80: a true age of 90 counts as 80
        Labels labels = Labels.builder(1).age(0, 90).build();
        float[] z = new float[bins];
        z[80] = 3;
        try (NDManager m = Engines.newManager()) {
            NDList logits = new NDList(m.create(z, new Shape(1, bins)));
            for (int t = 1; t < WIDTHS.length; t++) {
                logits.add(m.zeros(new Shape(1, WIDTHS[t])));
            }
            LossResult r = MultiTaskLoss.defaults().compute(logits, labels);
            double[] p = softmax(z, 0, bins);
            double[] q = MultiTaskLoss.ageTarget(90, MultiTaskLoss.DEFAULT_AGE_SIGMA, bins);
            assertEquals(bins, q.length);
            assertEquals(q[80] * Math.exp(-4.0 / 8), q[78], 1e-12, "Gaussian centred on the last bin");
            double ce = 0;
            double mean = 0;
            for (int k = 0; k < bins; k++) {
                ce -= q[k] * Math.log(p[k]);
                mean += p[k] * k;
            }
            assertEquals(ce, r.component(LossResult.AGE_CE).getFloat(), 1e-5);
            assertEquals(80 - mean, r.component(LossResult.AGE_L1).getFloat(), 1e-4);
            assertThrows(IllegalArgumentException.class, () -> MultiTaskLoss.defaults().compute(new NDList(
                    m.zeros(new Shape(1, 1)), logits.get(1), logits.get(2), logits.get(3), logits.get(4)), labels));
        }
    }

    @Test
    void uncertaintyWeightingGradientsAreAsDerived() throws FaceAttrException {
        float[][] z = randomLogits(4, 7);
        float[] s = {0.5f, -0.3f, 0.7f, 1.2f, -1.0f};
        Labels labels = Labels.builder(4).age(0, 5).age(1, 33.3).label(Target.AGE_GROUP, 0, 1)
                .label(Target.RACE7, 1, 6).label(Target.RACE5, 3, 2).label(Target.EMOTION, 2, 3)
                .label(Target.EMOTION, 3, 5).build(); // no gender in this batch
        try (NDManager m = Engines.newManager()) {
            UncertaintyWeighting block = new UncertaintyWeighting();
            block.initialize(m, DataType.FLOAT32, new Shape(5), new Shape(5));
            assertArrayEquals(new float[5], block.logVariances(), 0f);
            block.logVarianceParameter().getArray().set(s);
            MultiTaskLoss loss = MultiTaskLoss.builder().optUncertaintyWeighting(block)
                    .optTaskWeight(Task.EMOTION, 2).build();
            Run r = run(m, loss, z, labels);
            float[] gs = block.logVarianceParameter().getArray().getGradient().toFloatArray();
            double total = 0;
            for (Task t : Task.values()) {
                int i = t.ordinal();
                double w = t == Task.EMOTION ? 2 : 1;
                double lt = r.values.get(t.key());
                if (t == Task.GENDER) {
                    assertEquals(0f, gs[i], 0f, "an absent task's s gets exactly zero gradient");
                    assertEquals(0f, r.values.get("weight.gender"), 0f);
                    continue;
                }
                // d/ds [w (exp(-s) L + s)] = w (1 - exp(-s) L)
                assertEquals(w * (1 - Math.exp(-s[i]) * lt), gs[i], 1e-5, "d total / d s_" + t.key());
                assertEquals(w * Math.exp(-s[i]), r.values.get("weight." + t.key()), 1e-6);
                total += w * (Math.exp(-s[i]) * lt + s[i]);
            }
            assertEquals(total, r.values.get("total"), 1e-4);
            // The logits' gradient of a task is its fixed-weight gradient scaled by exp(-s_t).
            Run fixed = run(m, MultiTaskLoss.defaults(), z, labels);
            float[] ge = r.grads[Task.EMOTION.ordinal()];
            float[] fe = fixed.grads[Task.EMOTION.ordinal()];
            for (int i = 0; i < ge.length; i++) {
                assertEquals(2 * Math.exp(-s[4]) * fe[i], ge[i], 1e-6, "emotion grad " + i);
            }
        }
    }

    @Test
    void uncertaintyWeightingLeavesNothingInTheParametersManager() throws FaceAttrException {
        float[][] z = randomLogits(4, 9);
        Labels labels = Labels.builder(4).age(0, 20).label(Target.GENDER, 1, 1).label(Target.EMOTION, 2, 3).build();
        try (NDManager home = Engines.newManager()) {
            UncertaintyWeighting block = new UncertaintyWeighting();
            block.initialize(home, DataType.FLOAT32, new Shape(5), new Shape(5));
            MultiTaskLoss loss = MultiTaskLoss.builder().optUncertaintyWeighting(block).build();
            int before = -1;
            for (int i = 0; i < 4; i++) {
                try (NDManager batch = home.newSubManager()) {
                    assertTrue(Double.isFinite(run(batch, loss, z, labels).values.get("total")));
                }
                if (i == 0) {
                    before = home.getManagedArrays().size(); // the parameter and its gradient
                }
            }
            assertEquals(before, home.getManagedArrays().size());
        }
    }

    /**
     * DJL's {@code mul(Number)} / {@code div(Number)} free their temporary scalar at once although
     * autograd keeps it for the backward pass; a garbage collection in between then corrupts every
     * gradient behind it. The loss must not depend on such scalars.
     */
    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws FaceAttrException {
        float[][] z = randomLogits(4, 8);
        MultiTaskLoss loss = MultiTaskLoss.builder().optTaskWeight(Task.EMOTION, 1.5).build();
        try (NDManager m = Engines.newManager()) {
            Run clean = run(m, loss, z, fullLabels());
            Run collected = run(m, loss, z, fullLabels(), () -> {
                System.gc();
                try {
                    Thread.sleep(20); // let the cleaner free unreachable direct buffers
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // Reuse freed native memory with junk, as later allocations would.
                java.util.List<java.nio.ByteBuffer> junk = new java.util.ArrayList<>();
                for (int i = 0; i < 256; i++) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4).order(java.nio.ByteOrder.nativeOrder());
                    b.putFloat(0, 1e9f);
                    junk.add(b);
                }
            });
            for (Task t : Task.values()) {
                assertArrayEquals(clean.grads[t.ordinal()], collected.grads[t.ordinal()], 0f, t.key());
            }
        }
    }

    @Test
    void shapesAndLabelsAreValidated() throws FaceAttrException {
        try (NDManager m = Engines.newManager()) {
            Labels two = Labels.builder(2).build();
            NDList wrong = new NDList();
            for (int w : WIDTHS) {
                wrong.add(m.zeros(new Shape(2, w == 2 ? 3 : w)));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MultiTaskLoss.defaults().compute(wrong, two));
            assertTrue(e.getMessage().contains("gender"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> MultiTaskLoss.defaults().compute(new NDList(m.zeros(new Shape(2, 101))), two));
            assertThrows(IllegalArgumentException.class,
                    () -> MultiTaskLoss.defaults().compute(wrong, Labels.builder(3).build()));
        }
        assertThrows(IllegalArgumentException.class, () -> Labels.builder(2).label(Target.GENDER, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Labels.builder(2).label(Target.RACE5, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> Labels.builder(2).age(0, -1));
        assertThrows(IllegalArgumentException.class, () -> Labels.builder(2).age(0, Double.NaN));
        assertThrows(IndexOutOfBoundsException.class, () -> Labels.builder(2).age(2, 3));
        assertThrows(IllegalArgumentException.class,
                () -> MultiTaskLoss.builder().optClassWeights(Target.EMOTION, new float[6]));
        assertThrows(IllegalArgumentException.class,
                () -> MultiTaskLoss.builder().optClassWeights(Target.GENDER, new float[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> MultiTaskLoss.builder().optAgeSigma(0));
        assertThrows(IllegalArgumentException.class, () -> MultiTaskLoss.builder().optTaskWeight(Task.AGE, -1));
        Labels l = Labels.builder(3).ages(new double[] {Double.NaN, 4, 0}, new boolean[] {false, true, true})
                .labels(Target.GENDER, new int[] {-5, 1, 0}, new boolean[] {false, true, false}).build();
        assertArrayEquals(new int[] {1, 2}, l.labelledIndices(Target.AGE));
        assertEquals(1, l.classIndex(Target.GENDER, 1));
        assertFalse(l.isLabelled(Target.GENDER, 0));
        assertThrows(IllegalStateException.class, () -> l.age(0));
        assertNull(MultiTaskLoss.defaults().classWeights(Target.EMOTION));
    }
}

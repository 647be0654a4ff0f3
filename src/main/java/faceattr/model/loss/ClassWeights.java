package faceattr.model.loss;

/**
 * Per-class loss weights from training-set class counts, for imbalanced tasks (RAF-DB has 17
 * times more Happiness than Fear images). Both methods return weights normalised to a mean of 1
 * over the classes, so a balanced set gets all ones and the loss keeps its scale.
 */
public final class ClassWeights {

    private ClassWeights() {
    }

    /**
     * Class-balanced weights of Cui et al., "Class-Balanced Loss Based on Effective Number of
     * Samples" (CVPR 2019): {@code w_c ∝ (1 - beta) / (1 - beta^n_c)}, the inverse of the
     * effective number of samples. {@code beta -> 0} gives equal weights, {@code beta -> 1}
     * inverse frequency; Cui et al. try 0.9 .. 0.9999.
     *
     * @param counts training samples per class, each at least 0; a class with none is treated as
     *     having one (it never occurs in training, so its weight only matters for consistency)
     * @param beta in [0, 1)
     * @return one weight per class, mean 1
     */
    public static float[] effectiveNumber(long[] counts, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("beta must be in [0, 1), got " + beta);
        }
        double[] w = new double[check(counts)];
        for (int c = 0; c < w.length; c++) {
            long n = Math.max(1, counts[c]);
            // 1 - beta^n computed as -expm1(n ln beta) to keep precision when beta is close to 1
            double effective = beta == 0 ? 1 : -Math.expm1(n * Math.log(beta)) / (1 - beta);
            w[c] = 1 / effective;
        }
        return normalise(w);
    }

    /**
     * Inverse-frequency weights {@code w_c ∝ 1 / n_c}.
     *
     * @param counts training samples per class, each at least 0 (0 is treated as 1, as above)
     * @return one weight per class, mean 1
     */
    public static float[] inverseFrequency(long[] counts) {
        double[] w = new double[check(counts)];
        for (int c = 0; c < w.length; c++) {
            w[c] = 1.0 / Math.max(1, counts[c]);
        }
        return normalise(w);
    }

    private static int check(long[] counts) {
        if (counts.length == 0) {
            throw new IllegalArgumentException("no classes");
        }
        for (long n : counts) {
            if (n < 0) {
                throw new IllegalArgumentException("negative class count " + n);
            }
        }
        return counts.length;
    }

    private static float[] normalise(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        float[] out = new float[w.length];
        for (int c = 0; c < w.length; c++) {
            out[c] = (float) (w[c] * w.length / sum);
        }
        return out;
    }
}

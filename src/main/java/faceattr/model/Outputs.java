package faceattr.model;

import faceattr.labels.Task;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Turns {@link MultiTaskNet}'s logits into probabilities, expected age and its spread. */
public final class Outputs {
    private Outputs() {
    }

    /**
     * One face's estimates.
     *
     * @param ageYears expected age in years, {@code sum_a p(a) a} over the bins, or NaN without AGE
     * @param ageStd standard deviation of the age distribution in years, or NaN without AGE
     * @param probabilities softmax probabilities per task present (AGE: per one-year bin)
     */
    public record FaceScores(double ageYears, double ageStd, Map<Task, float[]> probabilities) {
        /** Freezes the map. */
        public FaceScores {
            probabilities = Collections.unmodifiableMap(new EnumMap<>(probabilities));
        }
    }

    /**
     * Expected age and standard deviation of the age-bin distribution: with
     * {@code p = softmax(logits)} over bins of ages 0 .. B-1, mean {@code sum p a} and
     * {@code std = sqrt(sum p (a - mean)^2)}. Differentiable (for an expectation loss).
     *
     * @param ageLogits (N, B)
     * @return (N) mean years, (N) standard deviation years
     */
    public static NDList ageMoments(NDArray ageLogits) {
        long bins = ageLogits.getShape().get(1);
        NDArray p = ageLogits.softmax(1);
        NDArray ages = ageLogits.getManager().arange(0f, (float) bins, 1f, DataType.FLOAT32).reshape(1, bins);
        NDArray mean = p.mul(ages).sum(new int[] {1}, true);
        NDArray var = p.mul(ages.sub(mean).square()).sum(new int[] {1});
        // var >= 0 analytically; the floor keeps sqrt and its gradient finite when rounding gives 0 or less
        NDArray std = var.clip(1e-12f, Float.MAX_VALUE).sqrt();
        return new NDList(mean.reshape(-1), std);
    }

    /**
     * Softmax of every task's logits, in the same order.
     *
     * @param logits the network's output
     * @return probabilities per task
     */
    public static NDList probabilities(NDList logits) {
        NDList out = new NDList();
        for (NDArray l : logits) {
            out.add(l.softmax(1));
        }
        return out;
    }

    /**
     * Copies a batch's estimates to Java values.
     *
     * @param config the configuration that produced the logits
     * @param logits the network's output
     * @return one entry per face
     */
    public static List<FaceScores> decode(ModelConfig config, NDList logits) {
        List<Task> tasks = config.tasks();
        if (logits.size() != tasks.size()) {
            throw new IllegalArgumentException("expected " + tasks.size() + " outputs for " + tasks + ", got "
                    + logits.size());
        }
        int n = (int) logits.get(0).getShape().get(0);
        List<Map<Task, float[]>> probs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            probs.add(new EnumMap<>(Task.class));
        }
        float[] mean = null;
        float[] std = null;
        for (int t = 0; t < tasks.size(); t++) {
            NDArray l = logits.get(t);
            int classes = (int) l.getShape().get(1);
            float[] flat;
            try (NDArray p = l.softmax(1)) {
                flat = p.toFloatArray();
            }
            for (int i = 0; i < n; i++) {
                float[] row = new float[classes];
                System.arraycopy(flat, i * classes, row, 0, classes);
                probs.get(i).put(tasks.get(t), row);
            }
            if (tasks.get(t) == Task.AGE) {
                // intermediate results join l's manager: lend l to a temporary one that frees them
                try (ai.djl.ndarray.NDManager tmp = l.getManager().newSubManager()) {
                    l.tempAttach(tmp);
                    NDList m = ageMoments(l);
                    mean = m.get(0).toFloatArray();
                    std = m.get(1).toFloatArray();
                }
            }
        }
        List<FaceScores> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new FaceScores(mean == null ? Double.NaN : mean[i], std == null ? Double.NaN : std[i],
                    probs.get(i)));
        }
        return out;
    }
}

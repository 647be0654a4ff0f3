package faceattr.model.loss;

import ai.djl.ndarray.NDArray;
import faceattr.labels.Task;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link MultiTaskLoss#compute} returns: the total to back-propagate, and per task the
 * unweighted mean loss over the labelled samples, the number of labelled samples and the
 * effective weight, for logging. The arrays belong to the logits' manager and are part of the
 * autograd graph; {@link #values()} copies them out as numbers.
 */
public final class LossResult {
    /** Component key: the age head's soft-target cross-entropy (nats), mean over aged samples. */
    public static final String AGE_CE = "age_ce";
    /** Component key: the age head's L1 between expected and true age (years), i.e. the batch MAE. */
    public static final String AGE_L1 = "age_l1";
    /** Component key: the 7-class race cross-entropy, mean over FairFace-labelled samples. */
    public static final String RACE7 = "race7";
    /** Component key: the 5-class grouped race NLL, mean over UTKFace-labelled samples. */
    public static final String RACE5 = "race5";

    private final NDArray total;
    private final Map<Task, NDArray> losses;
    private final Map<Task, Integer> counts;
    private final Map<String, NDArray> components;
    private final NDArray weights;

    LossResult(NDArray total, EnumMap<Task, NDArray> losses, EnumMap<Task, Integer> counts,
            LinkedHashMap<String, NDArray> components, NDArray weights) {
        this.total = total;
        this.losses = Collections.unmodifiableMap(losses);
        this.counts = Collections.unmodifiableMap(counts);
        this.components = Collections.unmodifiableMap(components);
        this.weights = weights;
    }

    /** @return the weighted total, a scalar to call backward on */
    public NDArray total() {
        return total;
    }

    /**
     * @param task a task
     * @return its unweighted loss, a scalar: the mean over its labelled samples, exactly 0 when none
     */
    public NDArray loss(Task task) {
        return losses.get(task);
    }

    /**
     * @param task a task
     * @return the number of samples of the batch labelled for it (race: 7- plus 5-class)
     */
    public int labelled(Task task) {
        return counts.get(task);
    }

    /**
     * @param key one of {@link #AGE_CE}, {@link #AGE_L1}, {@link #RACE7}, {@link #RACE5}
     * @return that part of a task loss, a scalar, or null for an unknown key
     */
    public NDArray component(String key) {
        return components.get(key);
    }

    /**
     * @return the weight each task loss entered the total with, (T) in {@link Task} order: the fixed
     *     weight (times {@code exp(-s_t)} with uncertainty weighting), 0 for tasks without labels
     */
    public NDArray weights() {
        return weights;
    }

    /**
     * Copies the values out for logging, with keys {@code total}, each task key, each component
     * key and {@code weight.<task key>}. This waits for the computation to finish.
     *
     * @return the values by key, in a stable order
     */
    public Map<String, Float> values() {
        Map<String, Float> out = new LinkedHashMap<>();
        out.put("total", total.getFloat());
        for (Map.Entry<Task, NDArray> e : losses.entrySet()) {
            out.put(e.getKey().key(), e.getValue().getFloat());
        }
        for (Map.Entry<String, NDArray> e : components.entrySet()) {
            out.put(e.getKey(), e.getValue().getFloat());
        }
        float[] w = weights.toFloatArray();
        for (Task t : Task.values()) {
            out.put("weight." + t.key(), w[t.ordinal()]);
        }
        return out;
    }
}

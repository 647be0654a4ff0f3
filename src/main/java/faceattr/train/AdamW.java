package faceattr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, keyed by parameter name so
 * that its state (first and second moments, step count) can be saved with a checkpoint and
 * restored exactly. DJL's optimizers key their state by run-specific parameter ids and do not
 * expose it, which rules out an exact resume. Weight decay applies to tensors of rank 2 or more
 * (convolution and linear weights), not to biases, norms or embeddings of rank 1.
 */
public final class AdamW {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;

    /**
     * @param manager owns the moment arrays (close it to free them)
     * @param beta1 first-moment decay (0.9)
     * @param beta2 second-moment decay (0.999)
     * @param eps denominator epsilon (1e-8)
     * @param weightDecay decoupled weight decay (0.05)
     */
    public AdamW(NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this.manager = manager;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** Starts the next step: bias corrections use the step count. */
    public void nextStep() {
        step++;
    }

    /** @return the number of steps taken */
    public long step() {
        return step;
    }

    /**
     * Updates one parameter in place; call outside any gradient recording.
     *
     * @param name the parameter's name (stable across runs)
     * @param weight its array
     * @param grad its gradient
     * @param lr the learning rate of this step
     */
    public void update(String name, NDArray weight, NDArray grad, double lr) {
        NDArray mm = m.computeIfAbsent(name, k -> manager.zeros(weight.getShape()));
        NDArray vv = v.computeIfAbsent(name, k -> manager.zeros(weight.getShape()));
        // Every temporary is closed here: they belong to long-lived managers (the weights').
        NDArray g1 = grad.mul(1 - beta1);
        mm.muli(beta1).addi(g1);
        g1.close();
        NDArray g2 = grad.square();
        g2.muli(1 - beta2);
        vv.muli(beta2).addi(g2);
        g2.close();
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        NDArray vh = vv.div(c2);
        NDArray denom = vh.sqrt();
        vh.close();
        denom.addi(eps);
        NDArray upd = mm.div(c1);
        upd.divi(denom).muli(lr);
        denom.close();
        if (weightDecay > 0 && weight.getShape().dimension() >= 2) {
            weight.muli(1 - lr * weightDecay);
        }
        weight.subi(upd);
        upd.close();
    }

    /** @return the state as named arrays, for a checkpoint: {@code m/<name>}, {@code v/<name>} */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        m.forEach((k, a) -> s.put("m/" + k, a));
        v.forEach((k, a) -> s.put("v/" + k, a));
        return s;
    }

    /**
     * Restores {@link #state()} and the step count.
     *
     * @param state named arrays as written
     * @param steps the step count
     */
    public void restore(Map<String, float[]> state, Map<String, long[]> shapes, long steps) {
        m.clear();
        v.clear();
        state.forEach((k, data) -> {
            NDArray a = manager.create(data, new ai.djl.ndarray.types.Shape(shapes.get(k)));
            if (k.startsWith("m/")) {
                m.put(k.substring(2), a);
            } else if (k.startsWith("v/")) {
                v.put(k.substring(2), a);
            }
        });
        step = steps;
    }
}

package faceattr.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import faceattr.labels.LabelMap;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import faceattr.labels.Task;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * <i>Why this class is over 400 lines: about 100 of them are its nested, validated builder (the
 * DJL convention), and every task term goes through the same row selection that implements the
 * masking rule below; split into one class per term, that rule would live in five places.</i>
 *
 * <p>The weighted, masked multi-task loss of the network. Input: the logits in {@link Task} order
 * (age bins (N, B) over ages 0..B-1, B = 101 by default, age group (N, 9), gender (N, 2), race
 * (N, 7, FairFace order), emotion (N, 7, product order)) and the batch's {@link Labels}.
 *
 * <ul>
 *   <li>Age: cross-entropy against a Gaussian target over the bins centred on the true age
 *       (sigma {@value #DEFAULT_AGE_SIGMA} years by default), plus, weighted, the L1 distance between
 *       the expected age {@code sum_k p_k k} and the true age (DLDL-v2-style).
 *   <li>Age group, gender, emotion, 7-class race: cross-entropy, optionally class-weighted.
 *   <li>5-class race (UTKFace): the negative log of the summed 7-class probabilities of the
 *       group, {@code -log sum_{k in g} p_k = logsumexp(z) - logsumexp(z_g)}, computed in log space so
 *       it stays finite when the probabilities underflow. A sample with both race labels uses the
 *       7-class one only.
 * </ul>
 *
 * <p>Masking selects the labelled rows before anything is computed, so an unlabelled sample
 * contributes exactly zero loss and exactly zero gradient whatever its logits hold (even NaN).
 * Each task loss is the mean over its labelled samples (class-weighted samples count with their
 * weight in the numerator; the denominator is the number of samples); a task without labelled
 * samples in the batch is exactly 0. The total is {@code sum_t w_t L_t} with fixed weights, or
 * {@link UncertaintyWeighting} when one is given.
 *
 * <p>Immutable and thread-safe; the NDArrays it creates belong to the logits' manager.
 */
public final class MultiTaskLoss {
    /** Default standard deviation of the Gaussian age target, in years. */
    public static final double DEFAULT_AGE_SIGMA = 2.0;
    /** Default weight of the age cross-entropy inside the age loss. */
    public static final double DEFAULT_AGE_CE_WEIGHT = 1.0;
    /** Default weight of the age L1 (years) inside the age loss. */
    public static final double DEFAULT_AGE_L1_WEIGHT = 0.1;

    private final double[] taskWeights;
    private final double ageSigma;
    private final double ageCeWeight;
    private final double ageL1Weight;
    private final Map<Target, float[]> classWeights;
    private final UncertaintyWeighting uncertainty;

    private MultiTaskLoss(Builder b) {
        taskWeights = b.taskWeights.clone();
        ageSigma = b.ageSigma;
        ageCeWeight = b.ageCeWeight;
        ageL1Weight = b.ageL1Weight;
        classWeights = new EnumMap<>(Target.class);
        b.classWeights.forEach((k, v) -> classWeights.put(k, v.clone()));
        uncertainty = b.uncertainty;
    }

    /** @return a builder with the defaults: every task weight 1, no class weights, fixed weighting */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the loss with all defaults */
    public static MultiTaskLoss defaults() {
        return builder().build();
    }

    /**
     * @param task a task
     * @return its fixed weight
     */
    public double taskWeight(Task task) {
        return taskWeights[task.ordinal()];
    }

    /** @return the standard deviation of the Gaussian age target, in years */
    public double ageSigma() {
        return ageSigma;
    }

    /** @return the weight of the age cross-entropy inside the age loss */
    public double ageCrossEntropyWeight() {
        return ageCeWeight;
    }

    /** @return the weight of the age L1 inside the age loss */
    public double ageL1Weight() {
        return ageL1Weight;
    }

    /**
     * @param target a class target
     * @return a copy of its class weights, or null when unweighted
     */
    public float[] classWeights(Target target) {
        float[] w = classWeights.get(target);
        return w == null ? null : w.clone();
    }

    /** @return the learned task weighting, or null with fixed weights */
    public UncertaintyWeighting uncertainty() {
        return uncertainty;
    }

    /**
     * The soft age target over the default bins 0..100 ({@link LabelSpaces#AGE_BINS}).
     *
     * @param years the true age, at least 0
     * @param sigma the standard deviation in years, positive
     * @return 101 probabilities
     * @see #ageTarget(double, double, int)
     */
    public static double[] ageTarget(double years, double sigma) {
        return ageTarget(years, sigma, LabelSpaces.AGE_BINS.size());
    }

    /**
     * The soft age target: a Gaussian of standard deviation {@code sigma} centred on the age
     * (clamped to the last bin), evaluated at the bins 0..bins-1 and normalised to sum 1.
     *
     * @param years the true age, at least 0
     * @param sigma the standard deviation in years, positive
     * @param bins the number of one-year bins, at least 2
     * @return {@code bins} probabilities
     */
    public static double[] ageTarget(double years, double sigma, int bins) {
        double a = Math.min(bins - 1, Math.max(0, years));
        double[] q = new double[bins];
        // Exponents are taken relative to the nearest bin, whose term is then 1: the sum can
        // never underflow to 0, however small sigma is.
        double nearest = a - Math.rint(a);
        double base = nearest * nearest;
        double sum = 0;
        for (int k = 0; k < q.length; k++) {
            double d = k - a;
            q[k] = Math.exp(-(d * d - base) / (2 * sigma * sigma));
            sum += q[k];
        }
        for (int k = 0; k < q.length; k++) {
            q[k] /= sum;
        }
        return q;
    }

    /**
     * Computes the loss of a batch.
     *
     * @param logits the five outputs in {@link Task} order, each (N, classes), all on one device
     * @param labels the labels of the N samples
     * @return the total (to back-propagate) and the per-task values
     * @throws IllegalArgumentException when the shapes do not match the tasks or the batch
     * @throws IllegalStateException when an uncertainty weighting is used before it is initialised
     */
    public LossResult compute(NDList logits, Labels labels) {
        checkShapes(logits, labels);
        if (uncertainty != null && !uncertainty.isInitialized()) {
            throw new IllegalStateException("initialise the UncertaintyWeighting block first, e.g. initialize(manager, "
                    + "DataType.FLOAT32, new Shape(" + Task.values().length + "), new Shape(" + Task.values().length + "))");
        }
        NDManager m = logits.get(0).getManager();
        DataType type = logits.get(0).getDataType();
        EnumMap<Task, NDArray> losses = new EnumMap<>(Task.class);
        EnumMap<Task, Integer> counts = new EnumMap<>(Task.class);
        LinkedHashMap<String, NDArray> parts = new LinkedHashMap<>();

        // Age: soft-target cross-entropy plus L1 on the expected age.
        int[] aged = labels.labelledIndices(Target.AGE);
        int bins = (int) logits.get(Task.AGE.ordinal()).getShape().get(1);
        float[] ages = new float[bins];
        for (int k = 0; k < bins; k++) {
            ages[k] = k;
        }
        NDArray logp = select(m, logits.get(Task.AGE.ordinal()), aged).logSoftmax(1);
        float[] q = new float[aged.length * ages.length];
        float[] trueAge = new float[aged.length];
        for (int i = 0; i < aged.length; i++) {
            double a = labels.age(aged[i]);
            trueAge[i] = (float) Math.min(bins - 1, a);
            double[] t = ageTarget(a, ageSigma, bins);
            for (int k = 0; k < t.length; k++) {
                q[i * ages.length + k] = (float) t[k];
            }
        }
        NDArray n = count(m, aged.length, type);
        NDArray ce = logp.mul(create(m, q, type, new Shape(aged.length, ages.length))).sum(new int[] {1}).neg();
        NDArray expected = logp.exp().mul(create(m, ages, type, new Shape(1, ages.length))).sum(new int[] {1});
        NDArray l1 = expected.sub(create(m, trueAge, type, new Shape(aged.length))).abs();
        NDArray ceMean = ce.sum().div(n);
        NDArray l1Mean = l1.sum().div(n);
        parts.put(LossResult.AGE_CE, ceMean);
        parts.put(LossResult.AGE_L1, l1Mean);
        losses.put(Task.AGE, ceMean.mul(scalar(m, ageCeWeight, type)).add(l1Mean.mul(scalar(m, ageL1Weight, type))));
        counts.put(Task.AGE, aged.length);

        // Single-label classification tasks.
        for (Target t : List.of(Target.AGE_GROUP, Target.GENDER, Target.EMOTION)) {
            int[] idx = labels.labelledIndices(t);
            NDArray sum = crossEntropySum(m, type, logits.get(t.task().ordinal()), labels, t, idx);
            losses.put(t.task(), sum.div(count(m, idx.length, type)));
            counts.put(t.task(), idx.length);
        }

        // Race: 7-class cross-entropy where FairFace labels exist, grouped 5-class NLL elsewhere.
        NDArray race = logits.get(Task.RACE.ordinal());
        int[] idx7 = labels.labelledIndices(Target.RACE7);
        int[] idx5 = Arrays.stream(labels.labelledIndices(Target.RACE5))
                .filter(i -> !labels.isLabelled(Target.RACE7, i)).toArray();
        NDArray sum7 = crossEntropySum(m, type, race, labels, Target.RACE7, idx7);
        NDArray sum5 = race5Sum(m, type, race, labels, idx5);
        parts.put(LossResult.RACE7, sum7.div(count(m, idx7.length, type)));
        parts.put(LossResult.RACE5, sum5.div(count(m, idx5.length, type)));
        losses.put(Task.RACE, sum7.add(sum5).div(count(m, idx7.length + idx5.length, type)));
        counts.put(Task.RACE, idx7.length + idx5.length);

        float[] factors = new float[Task.values().length];
        for (Task t : Task.values()) {
            // A task without labels in this batch must not enter the total at all (see UncertaintyWeighting).
            factors[t.ordinal()] = counts.get(t) > 0 ? (float) taskWeights[t.ordinal()] : 0f;
        }
        NDArray total;
        NDArray weights;
        if (uncertainty == null) {
            total = null;
            for (Task t : Task.values()) {
                NDArray term = losses.get(t).mul(scalar(m, factors[t.ordinal()], type));
                total = total == null ? term : total.add(term);
            }
            weights = create(m, factors, type, new Shape(factors.length));
        } else {
            NDList stacked = new NDList();
            for (Task t : Task.values()) {
                stacked.add(losses.get(t));
            }
            NDList out = uncertainty.forward(new ParameterStore(m, false),
                    new NDList(NDArrays.stack(stacked), create(m, factors, type, new Shape(factors.length))), true);
            total = out.get(0);
            weights = out.get(1);
        }
        return new LossResult(total, losses, counts, parts, weights);
    }

    /** Sum over the given samples of (class weight x cross-entropy); exactly 0 for no samples. */
    private NDArray crossEntropySum(NDManager m, DataType type, NDArray logits, Labels labels, Target target,
            int[] idx) {
        int k = target.space().size();
        float[] oneHot = new float[idx.length * k];
        float[] w = sampleWeights(labels, target, idx);
        for (int i = 0; i < idx.length; i++) {
            oneHot[i * k + labels.classIndex(target, idx[i])] = 1f;
        }
        NDArray logp = select(m, logits, idx).logSoftmax(1);
        NDArray nll = logp.mul(create(m, oneHot, type, new Shape(idx.length, k))).sum(new int[] {1}).neg();
        return nll.mul(create(m, w, type, new Shape(idx.length))).sum();
    }

    /**
     * Sum over the given samples of (class weight x -log P(group)), with P(group) the summed
     * 7-class probabilities of the group's members, as logsumexp over the members' log-probabilities.
     */
    private NDArray race5Sum(NDManager m, DataType type, NDArray logits, Labels labels, int[] idx) {
        LabelMap grouping = LabelSpaces.RACE_FAIRFACE_TO_UTKFACE;
        int groups = grouping.to().size();
        NDArray logp = select(m, logits, idx).logSoftmax(1);
        NDList grouped = new NDList();
        for (int g = 0; g < groups; g++) {
            int[] members = grouping.sourcesOf(g);
            NDList cols = new NDList();
            for (int c : members) {
                cols.add(logp.get(":, " + c + ":" + (c + 1)));
            }
            NDArray x = cols.size() == 1 ? cols.get(0) : NDArrays.concat(cols, 1);
            grouped.add(cols.size() == 1 ? x : logSumExp(x));
        }
        NDArray logp5 = NDArrays.concat(grouped, 1);
        float[] oneHot = new float[idx.length * groups];
        for (int i = 0; i < idx.length; i++) {
            oneHot[i * groups + labels.classIndex(Target.RACE5, idx[i])] = 1f;
        }
        NDArray nll = logp5.mul(create(m, oneHot, type, new Shape(idx.length, groups))).sum(new int[] {1}).neg();
        return nll.mul(create(m, sampleWeights(labels, Target.RACE5, idx), type, new Shape(idx.length))).sum();
    }

    /** Row-wise log(sum(exp(x))) of an (n, k) array, keeping the axis: the maximum is factored out. */
    private static NDArray logSumExp(NDArray x) {
        // The shift only avoids overflow; it carries no gradient of its own (d lse / dx = softmax).
        NDArray shift = x.max(new int[] {1}, true).stopGradient();
        return x.sub(shift).exp().sum(new int[] {1}, true).log().add(shift);
    }

    private float[] sampleWeights(Labels labels, Target target, int[] idx) {
        float[] cw = classWeights.get(target);
        float[] w = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            w[i] = cw == null ? 1f : cw[labels.classIndex(target, idx[i])];
        }
        return w;
    }

    /** The rows of the labelled samples; unselected rows take no part in the graph, so their gradient is 0. */
    private static NDArray select(NDManager m, NDArray x, int[] rows) {
        long[] r = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            r[i] = rows[i];
        }
        return x.get(m.create(r, new Shape(r.length)));
    }

    /**
     * A scalar operand as an array owned by the batch's manager. Never use DJL's {@code mul(Number)}
     * or {@code div(Number)} in the graph: the PyTorch engine makes a temporary scalar for them and
     * closes it at once, but autograd keeps it for the backward pass, which then reads freed
     * memory when a garbage collection runs in between (wrong gradients, seen in tests).
     */
    private static NDArray scalar(NDManager m, double v, DataType type) {
        // full() allocates in PyTorch, so autograd's own reference keeps the value valid.
        return m.full(new Shape(), (float) v, type);
    }

    /** The divisor of a mean over {@code n} samples: {@code max(n, 1)}, so no samples give exactly 0. */
    private static NDArray count(NDManager m, int n, DataType type) {
        return scalar(m, Math.max(1, n), type);
    }

    /**
     * A constant from Java values. It wraps Java memory that the manager keeps alive until it is
     * closed, which is after the backward pass of the batch.
     */
    private static NDArray create(NDManager m, float[] data, DataType type, Shape shape) {
        NDArray a = m.create(data, shape);
        return type == DataType.FLOAT32 ? a : a.toType(type, false);
    }

    private static void checkShapes(NDList logits, Labels labels) {
        Task[] tasks = Task.values();
        if (logits.size() != tasks.length) {
            throw new IllegalArgumentException("expected " + tasks.length + " logit arrays " + Arrays.toString(tasks)
                    + ", got " + logits.size());
        }
        for (Task t : tasks) {
            Shape s = logits.get(t.ordinal()).getShape();
            // The age head's width is a network setting (one-year bins from 0); the others are fixed.
            boolean width = t == Task.AGE ? s.dimension() == 2 && s.get(1) >= 2 : s.dimension() == 2
                    && s.get(1) == t.outputs();
            if (!width || s.get(0) != labels.size()) {
                throw new IllegalArgumentException(t.key() + " logits must be (" + labels.size() + ", "
                        + (t == Task.AGE ? "bins >= 2" : t.outputs()) + "), got " + s);
            }
        }
    }

    /** Collects the loss settings; {@code opt*} setters all have defaults. */
    public static final class Builder {
        private final double[] taskWeights = new double[Task.values().length];
        private double ageSigma = DEFAULT_AGE_SIGMA;
        private double ageCeWeight = DEFAULT_AGE_CE_WEIGHT;
        private double ageL1Weight = DEFAULT_AGE_L1_WEIGHT;
        private final Map<Target, float[]> classWeights = new EnumMap<>(Target.class);
        private UncertaintyWeighting uncertainty;

        private Builder() {
            Arrays.fill(taskWeights, 1.0);
        }

        /**
         * @param task a task
         * @param weight its fixed weight, finite and at least 0 (0 switches the task off)
         * @return this builder
         */
        public Builder optTaskWeight(Task task, double weight) {
            taskWeights[task.ordinal()] = nonNegative(weight, task.key() + " weight");
            return this;
        }

        /**
         * @param sigma the standard deviation of the Gaussian age target in years, positive
         * @return this builder
         */
        public Builder optAgeSigma(double sigma) {
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("age sigma must be positive and finite, got " + sigma);
            }
            ageSigma = sigma;
            return this;
        }

        /**
         * @param weight the weight of the age cross-entropy inside the age loss, at least 0
         * @return this builder
         */
        public Builder optAgeCrossEntropyWeight(double weight) {
            ageCeWeight = nonNegative(weight, "age cross-entropy weight");
            return this;
        }

        /**
         * @param weight the weight of the age L1 (years) inside the age loss, at least 0 (0 turns it off)
         * @return this builder
         */
        public Builder optAgeL1Weight(double weight) {
            ageL1Weight = nonNegative(weight, "age L1 weight");
            return this;
        }

        /**
         * Weighs each labelled sample's loss by the weight of its class, e.g. from {@link ClassWeights}.
         *
         * @param target a class target (not {@link Target#AGE})
         * @param weights one positive weight per class of the target's space, or null to remove
         * @return this builder
         */
        public Builder optClassWeights(Target target, float[] weights) {
            if (target == Target.AGE) {
                throw new IllegalArgumentException("age has no classes to weigh");
            }
            if (weights == null) {
                classWeights.remove(target);
                return this;
            }
            if (weights.length != target.space().size()) {
                throw new IllegalArgumentException(target + " needs " + target.space().size() + " class weights, got "
                        + weights.length);
            }
            for (float w : weights) {
                if (!(w > 0) || Float.isInfinite(w)) {
                    throw new IllegalArgumentException(target + " class weights must be positive and finite: "
                            + Arrays.toString(weights));
                }
            }
            classWeights.put(target, weights.clone());
            return this;
        }

        /**
         * Learns the task weights instead of keeping them fixed; the fixed weights then scale each
         * task's whole uncertainty term.
         *
         * @param block the initialised weighting block whose parameter the trainer optimises, or null
         * @return this builder
         */
        public Builder optUncertaintyWeighting(UncertaintyWeighting block) {
            uncertainty = block;
            return this;
        }

        /** @return the loss */
        public MultiTaskLoss build() {
            return new MultiTaskLoss(this);
        }

        private static double nonNegative(double w, String what) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(what + " must be finite and >= 0, got " + w);
            }
            return w;
        }
    }
}

package faceattr.labels;

import java.util.Objects;

/**
 * An immutable mapping of every class of one label space onto a class of another, held as an
 * index map. Used where datasets or models order or group classes differently: a many-to-one
 * map groups classes (probabilities are then summed), a one-to-one map reorders them.
 */
public final class LabelMap {
    private final LabelSpace from;
    private final LabelSpace to;
    private final int[] target;

    private LabelMap(LabelSpace from, LabelSpace to, int[] target) {
        this.from = from;
        this.to = to;
        this.target = target;
    }

    /**
     * Creates a map from target indices.
     *
     * @param from the source space
     * @param to the target space
     * @param targetOf for each class index of {@code from}, the class index of {@code to}
     * @return the map
     * @throws IllegalArgumentException when the counts differ or an index is out of range
     */
    public static LabelMap of(LabelSpace from, LabelSpace to, int... targetOf) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (targetOf.length != from.size()) {
            throw new IllegalArgumentException("map " + from.name() + " -> " + to.name() + " needs " + from.size()
                    + " targets, got " + targetOf.length);
        }
        for (int i = 0; i < targetOf.length; i++) {
            if (!to.isIndex(targetOf[i])) {
                throw new IllegalArgumentException("map " + from.name() + " -> " + to.name() + ": class "
                        + from.className(i) + " maps to index " + targetOf[i] + ", outside " + to.name());
            }
        }
        return new LabelMap(from, to, targetOf.clone());
    }

    /**
     * Creates a map from target class names, which reads better at the definition than indices.
     *
     * @param from the source space
     * @param to the target space
     * @param targetNames for each class of {@code from} in order, the name of its class in {@code to}
     * @return the map
     * @throws IllegalArgumentException when the counts differ or a name is not a class of {@code to}
     */
    public static LabelMap byName(LabelSpace from, LabelSpace to, String... targetNames) {
        int[] t = new int[targetNames.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = to.index(targetNames[i]);
        }
        return of(from, to, t);
    }

    /** @return the source space */
    public LabelSpace from() {
        return from;
    }

    /** @return the target space */
    public LabelSpace to() {
        return to;
    }

    /**
     * @param fromIndex a class index of the source space
     * @return the class index in the target space
     * @throws IndexOutOfBoundsException when {@code fromIndex} is not a source class index
     */
    public int apply(int fromIndex) {
        if (!from.isIndex(fromIndex)) {
            throw new IndexOutOfBoundsException(fromIndex + " is not a class index of " + from.name());
        }
        return target[fromIndex];
    }

    /**
     * @param fromClass a class name of the source space
     * @return the class name in the target space
     * @throws IllegalArgumentException when {@code fromClass} is not a source class
     */
    public String apply(String fromClass) {
        return to.className(target[from.index(fromClass)]);
    }

    /** @return a copy of the index map: element {@code i} is the target index of source class {@code i} */
    public int[] indices() {
        return target.clone();
    }

    /**
     * @param toIndex a class index of the target space
     * @return the source indices that map onto it, in increasing order (empty when none)
     */
    public int[] sourcesOf(int toIndex) {
        if (!to.isIndex(toIndex)) {
            throw new IndexOutOfBoundsException(toIndex + " is not a class index of " + to.name());
        }
        int n = 0;
        for (int t : target) {
            if (t == toIndex) {
                n++;
            }
        }
        int[] out = new int[n];
        for (int i = 0, k = 0; i < target.length; i++) {
            if (target[i] == toIndex) {
                out[k++] = i;
            }
        }
        return out;
    }

    /**
     * Carries a probability vector over: each target class gets the sum of the probabilities of
     * the source classes mapped onto it (the probability of the union of disjoint events).
     *
     * @param p one probability per source class
     * @return one probability per target class
     * @throws IllegalArgumentException when {@code p} has the wrong length
     */
    public double[] mapProbabilities(double[] p) {
        if (p.length != from.size()) {
            throw new IllegalArgumentException("expected " + from.size() + " probabilities of " + from.name() + ", got "
                    + p.length);
        }
        double[] out = new double[to.size()];
        for (int i = 0; i < p.length; i++) {
            out[target[i]] += p[i];
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(from.name()).append(" -> ").append(to.name()).append(" {");
        for (int i = 0; i < target.length; i++) {
            b.append(i == 0 ? "" : ", ").append(from.className(i)).append('=').append(to.className(target[i]));
        }
        return b.append('}').toString();
    }
}

package faceattr.model.loss;

import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The labels of one training batch: for each target a value per sample and a mask saying
 * whether the sample has it. Datasets label different subsets (UTKFace: age, gender, 5-class
 * race; FairFace: age group, gender, 7-class race; RAF-DB: emotion), so most masks are partial.
 * Immutable; build with {@link #builder(int)} or from the samples' label sets with {@link #of(List)}.
 */
public final class Labels {

    private final int size;
    private final Map<Target, double[]> values;
    private final Map<Target, boolean[]> masks;

    private Labels(int size, Map<Target, double[]> values, Map<Target, boolean[]> masks) {
        this.size = size;
        this.values = values;
        this.masks = masks;
    }

    /**
     * @param batchSize the number of samples, at least 0
     * @return a builder with every sample unlabelled for every target
     */
    public static Builder builder(int batchSize) {
        return new Builder(batchSize);
    }

    /**
     * @param samples the labels of a batch's samples, in order
     * @return them as a masked batch: a target is labelled where the sample's set has it
     */
    public static Labels of(List<LabelSet> samples) {
        Builder b = builder(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            LabelSet l = samples.get(i);
            for (Target t : l.targets()) {
                if (t.isClass()) {
                    b.label(t, i, l.index(t));
                } else {
                    b.age(i, l.get(t));
                }
            }
        }
        return b.build();
    }

    /** @return the number of samples */
    public int size() {
        return size;
    }

    /**
     * @param target a target
     * @param sample a sample index
     * @return true when the sample has a label for the target
     */
    public boolean isLabelled(Target target, int sample) {
        return masks.get(target)[Objects.checkIndex(sample, size)];
    }

    /**
     * @param target a target
     * @return a copy of its mask: true where labelled
     */
    public boolean[] mask(Target target) {
        return masks.get(target).clone();
    }

    /**
     * @param target a target
     * @return the labelled sample indices, increasing
     */
    public int[] labelledIndices(Target target) {
        boolean[] m = masks.get(target);
        int n = 0;
        for (boolean b : m) {
            n += b ? 1 : 0;
        }
        int[] out = new int[n];
        for (int i = 0, k = 0; i < size; i++) {
            if (m[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    /**
     * @param target a target
     * @return the number of labelled samples
     */
    public int count(Target target) {
        return labelledIndices(target).length;
    }

    /**
     * @param target a class target (not {@link Target#AGE})
     * @param sample a labelled sample
     * @return its class index
     * @throws IllegalStateException when the sample is not labelled for the target
     */
    public int classIndex(Target target, int sample) {
        if (target == Target.AGE) {
            throw new IllegalArgumentException("age is not a class target; use age(sample)");
        }
        requireLabelled(target, sample);
        return (int) values.get(target)[sample];
    }

    /**
     * @param sample a sample labelled with an age
     * @return its age in years
     * @throws IllegalStateException when the sample has no age
     */
    public double age(int sample) {
        requireLabelled(Target.AGE, sample);
        return values.get(Target.AGE)[sample];
    }

    private void requireLabelled(Target target, int sample) {
        if (!isLabelled(target, sample)) {
            throw new IllegalStateException("sample " + sample + " has no " + target + " label");
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Labels[n=").append(size);
        for (Target t : Target.values()) {
            b.append(", ").append(t).append('=').append(count(t));
        }
        return b.append(']').toString();
    }

    /** Collects labels sample by sample or target by target. Not thread-safe. */
    public static final class Builder {
        private final int size;
        private final Map<Target, double[]> values = new EnumMap<>(Target.class);
        private final Map<Target, boolean[]> masks = new EnumMap<>(Target.class);

        private Builder(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("batch size must be >= 0, got " + size);
            }
            this.size = size;
            for (Target t : Target.values()) {
                values.put(t, new double[size]);
                masks.put(t, new boolean[size]);
            }
        }

        /**
         * Labels one sample's age.
         *
         * @param sample the sample index
         * @param years the age, finite and at least 0
         * @return this builder
         */
        public Builder age(int sample, double years) {
            if (!(years >= 0) || Double.isInfinite(years)) {
                throw new IllegalArgumentException("sample " + sample + ": age must be finite and >= 0, got " + years);
            }
            return put(Target.AGE, sample, years);
        }

        /**
         * Labels one sample's class for a class target.
         *
         * @param target a class target (not {@link Target#AGE})
         * @param sample the sample index
         * @param classIndex an index of the target's label space
         * @return this builder
         */
        public Builder label(Target target, int sample, int classIndex) {
            if (target == Target.AGE) {
                throw new IllegalArgumentException("use age(sample, years) for ages");
            }
            if (!target.space().isIndex(classIndex)) {
                throw new IllegalArgumentException("sample " + sample + ": " + target + " label " + classIndex
                        + " is outside 0.." + (target.space().size() - 1));
            }
            return put(target, sample, classIndex);
        }

        /**
         * Labels a whole target at once.
         *
         * @param target a class target
         * @param classIndices one class index per sample; ignored where {@code mask} is false
         * @param mask true where the sample is labelled
         * @return this builder
         */
        public Builder labels(Target target, int[] classIndices, boolean[] mask) {
            checkLength(classIndices.length, mask.length);
            for (int i = 0; i < size; i++) {
                if (mask[i]) {
                    label(target, i, classIndices[i]);
                } else {
                    unlabel(target, i);
                }
            }
            return this;
        }

        /**
         * Labels all ages at once.
         *
         * @param years one age per sample; ignored (may be NaN) where {@code mask} is false
         * @param mask true where the sample is labelled
         * @return this builder
         */
        public Builder ages(double[] years, boolean[] mask) {
            checkLength(years.length, mask.length);
            for (int i = 0; i < size; i++) {
                if (mask[i]) {
                    age(i, years[i]);
                } else {
                    unlabel(Target.AGE, i);
                }
            }
            return this;
        }

        /**
         * Removes a label.
         *
         * @param target the target
         * @param sample the sample index
         * @return this builder
         */
        public Builder unlabel(Target target, int sample) {
            values.get(target)[Objects.checkIndex(sample, size)] = 0;
            masks.get(target)[sample] = false;
            return this;
        }

        private void checkLength(int a, int b) {
            if (a != size || b != size) {
                throw new IllegalArgumentException("expected " + size + " values and mask entries, got " + a + " and "
                        + b);
            }
        }

        private Builder put(Target target, int sample, double value) {
            values.get(target)[Objects.checkIndex(sample, size)] = value;
            masks.get(target)[sample] = true;
            return this;
        }

        /** @return the labels; the builder may be reused, later changes do not affect them */
        public Labels build() {
            Map<Target, double[]> v = new EnumMap<>(Target.class);
            Map<Target, boolean[]> m = new EnumMap<>(Target.class);
            for (Target t : Target.values()) {
                v.put(t, Arrays.copyOf(values.get(t), size));
                m.put(t, Arrays.copyOf(masks.get(t), size));
            }
            return new Labels(size, v, m);
        }
    }
}

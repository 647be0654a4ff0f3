package faceattr.estimate;

import faceattr.labels.LabelSpace;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Task;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The attributes estimated for one face: age (mean and standard deviation of the predicted age
 * distribution, in years), and probabilities over FairFace's age groups, gender, FairFace's 7
 * races (absent when the model has no race head) and the product's 7 emotions, plus the name of
 * the model that produced them. The chosen class of each is the most probable one (the first on
 * a tie). Immutable; arrays are copied in and out. Each class task is read the same way, by
 * {@link Task}: {@link #probabilities(Task)}, {@link #index(Task)}, {@link #label(Task)},
 * {@link #probability(Task)}.
 *
 * <p>Class names are those of {@link LabelSpaces} and thus of {@code faces.csv}: gender
 * {@code male}/{@code female}, FairFace age groups and races, emotions {@code neutral ..
 * surprise}.
 */
public final class FaceAttributes {
    /** How far a probability vector may sum from 1 (float32 softmax outputs sum to 1 within about 1e-6). */
    public static final double SUM_TOLERANCE = 1e-3;

    private final String model;
    private final double ageMean;
    private final double ageStd;
    private final double[][] probabilities; // by Task ordinal; null for AGE and for a task the model lacks

    private FaceAttributes(Builder b) {
        model = b.model;
        ageMean = b.ageMean;
        ageStd = b.ageStd;
        probabilities = b.probabilities.clone();
    }

    /** @return a builder; every {@code set*} is required, {@code optRace} is optional */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the name of the model that produced these estimates */
    public String modelName() {
        return model;
    }

    /** @return the estimated age in years: the mean of the predicted age distribution */
    public double ageMean() {
        return ageMean;
    }

    /** @return the standard deviation of the predicted age distribution in years, a measure of uncertainty */
    public double ageStd() {
        return ageStd;
    }

    /**
     * @param t a task
     * @return whether the model estimates it: always for age, age group, gender and emotion; race
     *     only with a race head
     */
    public boolean has(Task t) {
        return t == Task.AGE || probabilities[t.ordinal()] != null;
    }

    /**
     * @param t a class task (not {@link Task#AGE}, whose estimate is {@link #ageMean()} and {@link #ageStd()})
     * @return a copy of the probabilities of the task's {@link Task#space()}, in its order, or null
     *     when the model lacks the task
     * @throws IllegalArgumentException for {@link Task#AGE}
     */
    public double[] probabilities(Task t) {
        double[] p = classes(t);
        return p == null ? null : p.clone();
    }

    /**
     * @param t a class task
     * @return the index of its most probable class (the first on a tie), or -1 when the model lacks the task
     * @throws IllegalArgumentException for {@link Task#AGE}
     */
    public int index(Task t) {
        double[] p = classes(t);
        return p == null ? -1 : argmax(p);
    }

    /**
     * @param t a class task
     * @return the name of its most probable class as {@code faces.csv} writes it (e.g. {@code 20-29},
     *     {@code female}, {@code East Asian}, {@code happiness}), or null when the model lacks the task
     * @throws IllegalArgumentException for {@link Task#AGE}
     */
    public String label(Task t) {
        return classes(t) == null ? null : t.space().className(index(t));
    }

    /**
     * @param t a class task
     * @return the probability of {@link #label(Task)}, or NaN when the model lacks the task
     * @throws IllegalArgumentException for {@link Task#AGE}
     */
    public double probability(Task t) {
        double[] p = classes(t);
        return p == null ? Double.NaN : p[argmax(p)];
    }

    private double[] classes(Task t) {
        if (t == Task.AGE) {
            throw new IllegalArgumentException("age is estimated as a mean and a standard deviation, not classes");
        }
        return probabilities[t.ordinal()];
    }

    /**
     * @return the probabilities of UTKFace's 5 races, each the sum over the FairFace races grouped
     *     into it ({@link LabelSpaces#RACE_FAIRFACE_TO_UTKFACE}), or null without race
     */
    public double[] race5Probabilities() {
        double[] race = classes(Task.RACE);
        return race == null ? null : LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.mapProbabilities(race);
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaceAttributes f && model.equals(f.model) && ageMean == f.ageMean && ageStd == f.ageStd
                && Arrays.deepEquals(probabilities, f.probabilities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, ageMean, ageStd, Arrays.deepHashCode(probabilities));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "FaceAttributes[age %.1f±%.1f", ageMean,
                ageStd));
        for (Task t : Task.values()) {
            if (t != Task.AGE) {
                b.append(", ").append(has(t) ? String.format(Locale.ROOT, "%s %.2f", label(t), probability(t))
                        : "no " + t.key());
            }
        }
        return b.append(", ").append(model).append(']').toString();
    }

    /** Collects the estimates of one face. */
    public static final class Builder {
        private String model;
        private double ageMean = Double.NaN;
        private double ageStd;
        private final double[][] probabilities = new double[Task.values().length][];

        private Builder() {
        }

        /**
         * @param name the name of the producing model (its card's name), not blank
         * @return this builder
         */
        public Builder setModel(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("the model name must not be blank");
            }
            this.model = name;
            return this;
        }

        /**
         * @param mean the estimated age in years, finite and at least 0
         * @param std the standard deviation in years, finite and at least 0
         * @return this builder
         */
        public Builder setAge(double mean, double std) {
            if (!(mean >= 0) || Double.isInfinite(mean) || !(std >= 0) || Double.isInfinite(std)) {
                throw new IllegalArgumentException("age mean and std must be finite and >= 0, got " + mean + ", " + std);
            }
            this.ageMean = mean;
            this.ageStd = std;
            return this;
        }

        /**
         * Sets age mean and standard deviation from the age head's distribution over one-year bins.
         *
         * @param p the probabilities of ages {@link LabelSpaces#AGE_MIN} .. {@link LabelSpaces#AGE_MAX}
         * @return this builder
         */
        public Builder setAgeDistribution(double[] p) {
            check(p, LabelSpaces.AGE_BINS);
            double mean = 0;
            for (int k = 0; k < p.length; k++) {
                mean += p[k] * (LabelSpaces.AGE_MIN + k);
            }
            double var = 0;
            for (int k = 0; k < p.length; k++) {
                double d = LabelSpaces.AGE_MIN + k - mean;
                var += p[k] * d * d;
            }
            return setAge(Math.max(0, mean), Math.sqrt(var));
        }

        /**
         * @param p the probabilities of {@link LabelSpaces#AGE_GROUP} (copied)
         * @return this builder
         */
        public Builder setAgeGroup(double[] p) {
            probabilities[Task.AGE_GROUP.ordinal()] = check(p, LabelSpaces.AGE_GROUP);
            return this;
        }

        /**
         * @param p the probabilities of {@link LabelSpaces#GENDER} (copied)
         * @return this builder
         */
        public Builder setGender(double[] p) {
            probabilities[Task.GENDER.ordinal()] = check(p, LabelSpaces.GENDER);
            return this;
        }

        /**
         * @param p the probabilities of {@link LabelSpaces#RACE_FAIRFACE} (copied), or null when the
         *     model has no race head (the default)
         * @return this builder
         */
        public Builder optRace(double[] p) {
            probabilities[Task.RACE.ordinal()] = p == null ? null : check(p, LabelSpaces.RACE_FAIRFACE);
            return this;
        }

        /**
         * @param p the probabilities of {@link LabelSpaces#EMOTION} (copied)
         * @return this builder
         */
        public Builder setEmotion(double[] p) {
            probabilities[Task.EMOTION.ordinal()] = check(p, LabelSpaces.EMOTION);
            return this;
        }

        private static double[] check(double[] p, LabelSpace space) {
            Objects.requireNonNull(p, space.name());
            if (p.length != space.size()) {
                throw new IllegalArgumentException(space.name() + " needs " + space.size() + " probabilities, got "
                        + p.length);
            }
            double sum = 0;
            for (double v : p) {
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException(space.name() + ": " + v + " is not a probability");
                }
                sum += v;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new IllegalArgumentException(space.name() + " probabilities sum to " + sum + ", not 1");
            }
            return p.clone();
        }

        /**
         * @return the attributes
         * @throws IllegalStateException when a required value is missing
         */
        public FaceAttributes build() {
            if (model == null || Double.isNaN(ageMean) || probabilities[Task.AGE_GROUP.ordinal()] == null
                    || probabilities[Task.GENDER.ordinal()] == null || probabilities[Task.EMOTION.ordinal()] == null) {
                throw new IllegalStateException("model, age, age group, gender and emotion are required");
            }
            return new FaceAttributes(this);
        }
    }
}

package faceattr.estimate;

import faceattr.labels.LabelSpace;
import faceattr.labels.LabelSpaces;
import java.util.Arrays;
import java.util.Objects;

/**
 * The attributes estimated for one face: age (mean and standard deviation of the predicted age
 * distribution, in years), and probabilities over FairFace's age groups, gender, FairFace's 7
 * races (absent when the model has no race head) and the product's 7 emotions, plus the name of
 * the model that produced them. The chosen class of each is the most probable one (the first on
 * a tie). Immutable; arrays are copied in and out.
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
    private final double[] ageGroup;
    private final double[] gender;
    private final double[] race;
    private final double[] emotion;

    private FaceAttributes(Builder b) {
        model = b.model;
        ageMean = b.ageMean;
        ageStd = b.ageStd;
        ageGroup = b.ageGroup;
        gender = b.gender;
        race = b.race;
        emotion = b.emotion;
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

    /** @return a copy of the probabilities of {@link LabelSpaces#AGE_GROUP}, in its order */
    public double[] ageGroupProbabilities() {
        return ageGroup.clone();
    }

    /** @return the index of the most probable age group */
    public int ageGroupIndex() {
        return argmax(ageGroup);
    }

    /** @return the most probable age group, e.g. {@code 20-29} */
    public String ageGroup() {
        return LabelSpaces.AGE_GROUP.className(ageGroupIndex());
    }

    /** @return the probability of {@link #ageGroup()} */
    public double ageGroupP() {
        return ageGroup[ageGroupIndex()];
    }

    /** @return a copy of the probabilities of {@link LabelSpaces#GENDER} (male, female) */
    public double[] genderProbabilities() {
        return gender.clone();
    }

    /** @return the index of the more probable gender */
    public int genderIndex() {
        return argmax(gender);
    }

    /** @return {@code male} or {@code female} */
    public String gender() {
        return LabelSpaces.GENDER.className(genderIndex());
    }

    /** @return the probability of {@link #gender()} */
    public double genderP() {
        return gender[genderIndex()];
    }

    /** @return true when the model estimates race */
    public boolean hasRace() {
        return race != null;
    }

    /** @return a copy of the probabilities of {@link LabelSpaces#RACE_FAIRFACE}, or null without race */
    public double[] raceProbabilities() {
        return race == null ? null : race.clone();
    }

    /** @return the index of the most probable FairFace race, or -1 without race */
    public int raceIndex() {
        return race == null ? -1 : argmax(race);
    }

    /** @return the most probable FairFace race, e.g. {@code East Asian}, or null without race */
    public String race() {
        return race == null ? null : LabelSpaces.RACE_FAIRFACE.className(raceIndex());
    }

    /** @return the probability of {@link #race()}, or NaN without race */
    public double raceP() {
        return race == null ? Double.NaN : race[raceIndex()];
    }

    /**
     * @return the probabilities of UTKFace's 5 races, each the sum over the FairFace races grouped
     *     into it ({@link LabelSpaces#RACE_FAIRFACE_TO_UTKFACE}), or null without race
     */
    public double[] race5Probabilities() {
        return race == null ? null : LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.mapProbabilities(race);
    }

    /** @return the most probable UTKFace race (of the summed probabilities), or null without race */
    public String race5() {
        return race == null ? null : LabelSpaces.RACE_UTKFACE.className(argmax(race5Probabilities()));
    }

    /** @return the probability of {@link #race5()}, or NaN without race */
    public double race5P() {
        if (race == null) {
            return Double.NaN;
        }
        double[] p = race5Probabilities();
        return p[argmax(p)];
    }

    /** @return a copy of the probabilities of {@link LabelSpaces#EMOTION}, in its order */
    public double[] emotionProbabilities() {
        return emotion.clone();
    }

    /** @return the index of the most probable emotion */
    public int emotionIndex() {
        return argmax(emotion);
    }

    /** @return the most probable emotion, e.g. {@code happiness} */
    public String emotion() {
        return LabelSpaces.EMOTION.className(emotionIndex());
    }

    /** @return the probability of {@link #emotion()} */
    public double emotionP() {
        return emotion[emotionIndex()];
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
                && Arrays.equals(ageGroup, f.ageGroup) && Arrays.equals(gender, f.gender)
                && Arrays.equals(race, f.race) && Arrays.equals(emotion, f.emotion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, ageMean, ageStd, Arrays.hashCode(ageGroup), Arrays.hashCode(gender),
                Arrays.hashCode(race), Arrays.hashCode(emotion));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "FaceAttributes[age %.1f±%.1f, %s %.2f, %s %.2f, %s, %s %.2f, %s]",
                ageMean, ageStd, ageGroup(), ageGroupP(), gender(), genderP(),
                race == null ? "no race" : String.format(java.util.Locale.ROOT, "%s %.2f", race(), raceP()),
                emotion(), emotionP(), model);
    }

    /** Collects the estimates of one face. */
    public static final class Builder {
        private String model;
        private double ageMean = Double.NaN;
        private double ageStd;
        private double[] ageGroup;
        private double[] gender;
        private double[] race;
        private double[] emotion;

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
            ageGroup = check(p, LabelSpaces.AGE_GROUP);
            return this;
        }

        /**
         * @param p the probabilities of {@link LabelSpaces#GENDER} (copied)
         * @return this builder
         */
        public Builder setGender(double[] p) {
            gender = check(p, LabelSpaces.GENDER);
            return this;
        }

        /**
         * @param p the probabilities of {@link LabelSpaces#RACE_FAIRFACE} (copied), or null when the
         *     model has no race head (the default)
         * @return this builder
         */
        public Builder optRace(double[] p) {
            race = p == null ? null : check(p, LabelSpaces.RACE_FAIRFACE);
            return this;
        }

        /**
         * @param p the probabilities of {@link LabelSpaces#EMOTION} (copied)
         * @return this builder
         */
        public Builder setEmotion(double[] p) {
            emotion = check(p, LabelSpaces.EMOTION);
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
            if (model == null || Double.isNaN(ageMean) || ageGroup == null || gender == null || emotion == null) {
                throw new IllegalStateException("model, age, age group, gender and emotion are required");
            }
            return new FaceAttributes(this);
        }
    }
}

package faceattr.data;

import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Documented, seeded train/validation splits (docs/datasets.md).
 * <ul>
 *   <li>FairFace keeps its train/val CSVs, RAF-DB its train/test lists (test as validation), a
 *       faceattr export its {@code split} column when it has one.</li>
 *   <li>Samples without a split (UTKFace; exports without the column) are split at random,
 *       80/20 by default, stratified: within each stratum (the age group, else the emotion, else
 *       the gender, per source) the same fraction goes to validation, so both parts cover every
 *       age. The same seed gives the same split on any machine.</li>
 *   <li>The UTKFace age protocol of CORAL and MWR (ages 21 to 60) is {@link Options#ageRange}.</li>
 * </ul>
 */
public final class Splits {
    private Splits() {
    }

    /**
     * @param valFraction the fraction of unsplit samples put into validation, 0..1 (default 0.2)
     * @param seed the random seed (default 42)
     * @param minAge with maxAge, keep only UTKFace samples whose age is in [minAge, maxAge]; null
     *     for all
     * @param maxAge the oldest age kept, or null
     */
    public record Options(double valFraction, long seed, Integer minAge, Integer maxAge) {
        /** 80/20, seed 42, all ages. */
        public static final Options DEFAULT = new Options(0.2, 42, null, null);

        /** Checks. */
        public Options {
            if (!(valFraction >= 0 && valFraction <= 1)) {
                throw new IllegalArgumentException("the validation fraction must be 0..1, got " + valFraction);
            }
            if ((minAge == null) != (maxAge == null) || (minAge != null && minAge > maxAge)) {
                throw new IllegalArgumentException("give both ends of the age range, lowest first");
            }
        }

        /**
         * @param min youngest age kept (UTKFace)
         * @param max oldest age kept
         * @return these options restricted to an age range, e.g. 21..60
         */
        public Options ageRange(int min, int max) {
            return new Options(valFraction, seed, min, max);
        }
    }

    /**
     * @param samples samples of one or more datasets
     * @param o the options
     * @return every sample with its split set; samples outside the age range are left out
     */
    public static List<Sample> apply(List<Sample> samples, Options o) {
        List<Sample> out = new ArrayList<>(samples.size());
        Map<String, List<Sample>> strata = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (o.minAge() != null && s.source().equals(DatasetKind.UTKFACE.key())) {
                LabelSet l = s.labels();
                if (!l.has(Target.AGE) || l.get(Target.AGE) < o.minAge() || l.get(Target.AGE) > o.maxAge()) {
                    continue;
                }
            }
            if (s.split() != null) {
                out.add(s);
            } else {
                strata.computeIfAbsent(stratum(s), k -> new ArrayList<>()).add(s);
            }
        }
        for (Map.Entry<String, List<Sample>> e : strata.entrySet()) {
            List<Sample> group = new ArrayList<>(e.getValue());
            group.sort(Comparator.comparing(Sample::id)); // independent of the listing order
            java.util.Collections.shuffle(group, new Random(o.seed() * 31 + e.getKey().hashCode()));
            int val = (int) Math.round(group.size() * o.valFraction());
            for (int i = 0; i < group.size(); i++) {
                out.add(group.get(i).withSplit(i < val ? Split.VAL : Split.TRAIN));
            }
        }
        return out;
    }

    static String stratum(Sample s) {
        LabelSet l = s.labels();
        // these prefixes seed the shuffles: changing them changes every split
        String key = l.has(Target.AGE_GROUP) ? "age" + l.index(Target.AGE_GROUP) : l.has(Target.EMOTION) ? "emotion"
                + l.index(Target.EMOTION) : l.has(Target.GENDER) ? "gender" + l.index(Target.GENDER) : "none";
        return s.source() + "/" + key;
    }

    /**
     * @param samples split samples
     * @param split a split
     * @return those in it, in order
     */
    public static List<Sample> of(List<Sample> samples, Split split) {
        return samples.stream().filter(s -> s.split() == split).toList();
    }
}

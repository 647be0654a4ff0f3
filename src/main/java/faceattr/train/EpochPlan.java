package faceattr.train;

import faceattr.data.Sample;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * The order of training samples in one epoch: the mixed-dataset sampler. Each source (dataset
 * kind) contributes a share of the epoch proportional to its ratio (default: its size), drawing
 * without replacement and starting over when exhausted; with class balancing, a source draws its
 * samples with probability inversely proportional to their class's frequency (by the class
 * returned by {@code balanceOn}, e.g. the emotion for RAF-DB). The order depends only on the seed
 * and the epoch, so a resumed run repeats it exactly.
 */
public final class EpochPlan {
    private EpochPlan() {
    }

    /**
     * @param samples the training samples
     * @param ratios per source key, its relative share; sources missing here get a share equal to
     *     their size
     * @param epochSize samples per epoch (default: all training samples)
     * @param balanceOn a sample's class for class-balanced sampling, or -1 for none; null to
     *     sample uniformly
     * @param seed the run's seed
     * @param epoch the epoch, from 0
     * @return indices into {@code samples}
     */
    public static int[] order(List<Sample> samples, Map<String, Double> ratios, int epochSize,
            ToIntFunction<Sample> balanceOn, long seed, int epoch) {
        Map<String, List<Integer>> bySource = new LinkedHashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            bySource.computeIfAbsent(samples.get(i).source(), k -> new ArrayList<>()).add(i);
        }
        double total = 0;
        Map<String, Double> share = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : bySource.entrySet()) {
            double w = ratios.getOrDefault(e.getKey(), (double) e.getValue().size());
            share.put(e.getKey(), w);
            total += w;
        }
        Random r = new Random(seed * 1_000_003L + epoch);
        List<Integer> out = new ArrayList<>(epochSize);
        int assigned = 0;
        List<String> keys = new ArrayList<>(bySource.keySet());
        for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            int n = k == keys.size() - 1 ? Math.max(0, epochSize - assigned)
                    : Math.min(epochSize - assigned, (int) Math.round(epochSize * share.get(key) / total));
            assigned += n;
            out.addAll(draw(samples, bySource.get(key), n, balanceOn, r));
        }
        java.util.Collections.shuffle(out, r);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The labels balanced on, in order of preference: a sample's first one decides. */
    private static final List<Target> BALANCED = List.of(Target.EMOTION, Target.RACE7, Target.RACE5,
            Target.AGE_GROUP, Target.GENDER);

    /**
     * The class that class-balanced sampling equalises: per source, its main label (RAF-DB:
     * emotion; FairFace and UTKFace: race).
     */
    static int balanceClass(Sample s) {
        LabelSet l = s.labels();
        for (Target t : BALANCED) {
            if (l.has(t)) {
                return l.index(t);
            }
        }
        return 0;
    }

    private static List<Integer> draw(List<Sample> samples, List<Integer> pool, int n, ToIntFunction<Sample> balanceOn,
            Random r) {
        List<Integer> out = new ArrayList<>(n);
        if (balanceOn == null) {
            List<Integer> deck = new ArrayList<>();
            while (out.size() < n) {
                if (deck.isEmpty()) {
                    deck.addAll(pool);
                    java.util.Collections.shuffle(deck, r);
                }
                out.add(deck.remove(deck.size() - 1));
            }
            return out;
        }
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (int i : pool) {
            counts.merge(balanceOn.applyAsInt(samples.get(i)), 1, Integer::sum);
        }
        double[] cumulative = new double[pool.size()];
        double sum = 0;
        for (int j = 0; j < pool.size(); j++) {
            sum += 1.0 / counts.get(balanceOn.applyAsInt(samples.get(pool.get(j))));
            cumulative[j] = sum;
        }
        for (int t = 0; t < n; t++) {
            double u = r.nextDouble() * sum;
            int j = java.util.Arrays.binarySearch(cumulative, u);
            j = j < 0 ? -j - 1 : j;
            out.add(pool.get(Math.min(j, pool.size() - 1)));
        }
        return out;
    }
}

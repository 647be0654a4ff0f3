package faceattr.data.detection;

import faceattr.data.LoadReport;
import java.util.List;

/**
 * A detection set's usable images and the report of what was skipped or ignored.
 *
 * @param samples the images, in the set's order
 * @param report counts and reasons, with examples
 * @param subsets WIDER's easy/medium/hard lists when the set has them, else null
 */
public record DetectionSet(List<DetectionSample> samples, LoadReport report, WiderSubsets subsets) {
    /** Copies. */
    public DetectionSet {
        samples = List.copyOf(samples);
    }

    /** A set without subset lists. */
    public DetectionSet(List<DetectionSample> samples, LoadReport report) {
        this(samples, report, null);
    }

    /**
     * @param sets sets to train or evaluate on together
     * @return their images in order, with one report adding up theirs (names joined by "; ")
     */
    public static DetectionSet of(List<DetectionSet> sets) {
        if (sets.size() == 1) {
            return sets.get(0);
        }
        List<DetectionSample> all = new java.util.ArrayList<>();
        java.util.Map<String, Integer> skipped = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<String>> examples = new java.util.LinkedHashMap<>();
        List<String> names = new java.util.ArrayList<>();
        int used = 0;
        for (DetectionSet s : sets) {
            all.addAll(s.samples());
            names.add(s.report().dataset());
            used += s.report().used();
            s.report().skipped().forEach((k, v) -> skipped.merge(k, v, Integer::sum));
            s.report().examples().forEach((k, v) -> {
                List<String> e = examples.computeIfAbsent(k, x -> new java.util.ArrayList<>());
                v.stream().limit(Math.max(0, LoadReport.EXAMPLES - e.size())).forEach(e::add);
            });
        }
        return new DetectionSet(all, new LoadReport(String.join("; ", names), used, skipped, examples));
    }
}

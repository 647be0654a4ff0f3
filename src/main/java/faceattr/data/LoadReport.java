package faceattr.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a loader used and skipped, and why: counts per reason with the first few names, so that
 * a user can find and fix the files. Immutable; loaders fill a {@link Builder}.
 *
 * @param dataset the dataset kind and folder, for messages
 * @param used the samples kept
 * @param skipped per reason, how many entries were skipped
 * @param examples per reason, up to {@value #EXAMPLES} entry names
 */
public record LoadReport(String dataset, int used, Map<String, Integer> skipped, Map<String, List<String>> examples) {
    /** Names kept per reason. */
    public static final int EXAMPLES = 5;

    /** Copies. */
    public LoadReport {
        skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
        Map<String, List<String>> e = new LinkedHashMap<>();
        examples.forEach((k, v) -> e.put(k, List.copyOf(v)));
        examples = Collections.unmodifiableMap(e);
    }

    /** @return the number of entries skipped for any reason */
    public int skippedTotal() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** @return a few lines for the user: used, skipped, each reason with examples */
    public String summary() {
        StringBuilder sb = new StringBuilder(dataset + ": " + used + " used, " + skippedTotal() + " skipped");
        skipped.forEach((reason, n) -> sb.append("\n  ").append(n).append(" skipped: ").append(reason).append(" (e.g. ")
                .append(String.join(", ", examples.get(reason))).append(n > examples.get(reason).size() ? ", ..." : "")
                .append(')'));
        return sb.toString();
    }

    /** Collects a report while loading. */
    public static final class Builder {
        private final String dataset;
        private int used;
        private final Map<String, Integer> skipped = new LinkedHashMap<>();
        private final Map<String, List<String>> examples = new LinkedHashMap<>();

        /** @param dataset the dataset kind and folder */
        public Builder(String dataset) {
            this.dataset = dataset;
        }

        /** Counts one sample kept. */
        public void used() {
            used++;
        }

        /**
         * Counts one entry skipped.
         *
         * @param reason why, e.g. "no race field in the file name"
         * @param name the entry (file name or "line 12")
         */
        public void skip(String reason, String name) {
            skipped.merge(reason, 1, Integer::sum);
            List<String> e = examples.computeIfAbsent(reason, k -> new ArrayList<>());
            if (e.size() < EXAMPLES) {
                e.add(name);
            }
        }

        /** @return the report */
        public LoadReport build() {
            return new LoadReport(dataset, used, skipped, examples);
        }
    }
}

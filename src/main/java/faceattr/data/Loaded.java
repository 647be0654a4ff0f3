package faceattr.data;

import java.util.List;

/**
 * A dataset's usable samples and the report of what was skipped.
 *
 * @param samples the samples, in a stable order (sorted by file)
 * @param report counts and reasons
 */
public record Loaded(List<Sample> samples, LoadReport report) {
    /** Copies. */
    public Loaded {
        samples = List.copyOf(samples);
    }
}

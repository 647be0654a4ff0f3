package faceattr.data.detection;

import faceattr.data.LoadReport;
import java.util.List;

/**
 * A detection set's usable images and the report of what was skipped or ignored.
 *
 * @param samples the images, in the set's order
 * @param report counts and reasons, with examples
 */
public record DetectionSet(List<DetectionSample> samples, LoadReport report) {
    /** Copies. */
    public DetectionSet {
        samples = List.copyOf(samples);
    }
}

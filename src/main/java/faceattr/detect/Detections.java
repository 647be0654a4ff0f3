package faceattr.detect;

import java.util.List;

/**
 * What one {@link RfemtcDetector#detectTimed} call found.
 *
 * @param faces the faces of each image, in input order (each list immutable)
 * @param times where the call spent its time
 */
public record Detections(List<List<DetectedFace>> faces, StageTimes times) {
    /** Copies the lists so the value stays immutable. */
    public Detections {
        faces = faces.stream().map(List::copyOf).toList();
    }
}

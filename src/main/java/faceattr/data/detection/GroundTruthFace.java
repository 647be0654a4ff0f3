package faceattr.data.detection;

import faceattr.detect.Box;
import faceattr.detect.Landmarks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One annotated face of a detection set.
 *
 * @param box the face box, image pixels, origin top-left
 * @param ignored an ignored region: a detection there is neither right nor wrong and training
 *     neither rewards nor punishes it (WIDER's invalid faces, faces below the minimum size)
 * @param landmarks the five landmarks, or null when the set has none for this face
 * @param attributes the set's own per-face attributes by name (WIDER: blur, expression,
 *     illumination, occlusion, pose, invalid), for reports; empty when it has none
 */
public record GroundTruthFace(Box box, boolean ignored, Landmarks landmarks, Map<String, Integer> attributes) {
    /** Checks and copies. */
    public GroundTruthFace {
        Objects.requireNonNull(box, "box");
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}

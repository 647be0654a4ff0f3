package faceattr.detect;

import java.util.Objects;

/**
 * One detected face: its box, the cascade's final face probability and the 5 landmarks, all in
 * pixels of the original image (origin top-left).
 *
 * @param box the face box
 * @param score the face probability of the last stage that ran, in [0, 1]
 * @param landmarks the 5 landmarks
 */
public record DetectedFace(Box box, double score, Landmarks landmarks) {
    /** Checks the fields. */
    public DetectedFace {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(landmarks, "landmarks");
    }
}

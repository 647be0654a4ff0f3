package faceattr.detect.train;

import faceattr.detect.Box;
import java.util.Objects;

/**
 * One training crop of a detector stage.
 *
 * @param box the square crop in image pixels (resized to the stage's input when trained)
 * @param kind what it shows
 * @param regression for positives and part faces, the offsets that move the crop onto its face,
 *     as the cascade applies them: {@code (x1, y1, x2, y2)} of the face minus those of the crop,
 *     over the crop's side; null for negatives
 * @param landmarks for positives whose face has landmarks, the 5 points as fractions of the crop,
 *     x of the five then y of the five (O-Net's output order); null otherwise
 * @param hard whether it was cut around a box a person marked "not a face"
 */
public record MinedCrop(Box box, CropKind kind, double[] regression, double[] landmarks, boolean hard) {
    /** Checks and copies. */
    public MinedCrop {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(kind, "kind");
        if ((kind == CropKind.NEGATIVE) != (regression == null)) {
            throw new IllegalArgumentException("regression targets go with positives and part faces only");
        }
        regression = regression == null ? null : regression.clone();
        landmarks = landmarks == null ? null : landmarks.clone();
    }

    @Override
    public double[] regression() {
        return regression == null ? null : regression.clone();
    }

    @Override
    public double[] landmarks() {
        return landmarks == null ? null : landmarks.clone();
    }
}

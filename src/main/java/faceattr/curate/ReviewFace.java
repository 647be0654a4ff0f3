package faceattr.curate;

import faceattr.labels.LabelSet;
import java.util.Objects;

/**
 * One face under review: its identity (the ROI's name on an image), its current labels, how
 * confident the estimator was, and its review state. Immutable; edits make new values.
 *
 * @param image the image title
 * @param roi the face ROI's name, e.g. {@code face-2} or {@code s3-face-1}
 * @param labels the current labels (estimates, or a person's corrections)
 * @param confidence the estimator's probability of each current class label, by attribute key
 *     ({@code age_group}, {@code gender}, {@code race}, {@code emotion}); NaN when unknown or
 *     after a correction (a person's label is certain)
 * @param ageStd the estimator's age standard deviation in years, NaN when unknown
 * @param reviewed whether a person accepted or corrected the labels
 * @param notAFace whether a person marked the detection as not a face
 * @param where the face's landmarks as the ROI property holds them (empty when unknown): a saved
 *     review is restored onto a ROI only where both name and landmarks agree
 */
public record ReviewFace(String image, String roi, LabelSet labels, java.util.Map<String, Double> confidence,
        double ageStd, boolean reviewed, boolean notAFace, String where) {
    /** Copies. */
    public ReviewFace {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(roi, "roi");
        Objects.requireNonNull(labels, "labels");
        confidence = java.util.Map.copyOf(confidence);
        where = where == null ? "" : where;
    }

    /** A face whose position is not known ({@code where} empty). */
    public ReviewFace(String image, String roi, LabelSet labels, java.util.Map<String, Double> confidence,
            double ageStd, boolean reviewed, boolean notAFace) {
        this(image, roi, labels, confidence, ageStd, reviewed, notAFace, "");
    }

    /**
     * @param other a saved face
     * @return whether it is the same face: same image, ROI name and (when both know it) position
     */
    public boolean sameFace(ReviewFace other) {
        return image.equals(other.image) && roi.equals(other.roi)
                && (where.isEmpty() || other.where.isEmpty() || where.equals(other.where));
    }

    /** @return the lowest confidence of the class labels it has (NaN when none is known) */
    public double lowestConfidence() {
        double min = Double.NaN;
        for (double c : confidence.values()) {
            if (!Double.isNaN(c) && (Double.isNaN(min) || c < min)) {
                min = c;
            }
        }
        return min;
    }

    ReviewFace with(LabelSet l, java.util.Map<String, Double> conf, double std, boolean rev, boolean notFace) {
        return new ReviewFace(image, roi, l, conf, std, rev, notFace, where);
    }
}

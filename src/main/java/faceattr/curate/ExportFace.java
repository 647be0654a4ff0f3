package faceattr.curate;

import faceattr.detect.Box;
import faceattr.detect.Landmarks;
import faceattr.labels.LabelSet;
import java.util.Objects;

/**
 * One face to export: where it is, its labels (estimated or corrected) and its review state.
 *
 * @param image the source image as given (a path)
 * @param face the face number within the image, from 1
 * @param box its box in the image's pixels
 * @param landmarks its 5 landmarks (alignment uses them)
 * @param labels its labels in the product's spaces
 * @param reviewed whether a person checked or corrected the labels
 * @param notAFace whether a person marked it as not a face (never exported)
 * @param model the estimator that produced the labels
 */
public record ExportFace(String image, int face, Box box, Landmarks landmarks, LabelSet labels, boolean reviewed,
        boolean notAFace, String model) {
    /** Checks. */
    public ExportFace {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(landmarks, "landmarks");
        Objects.requireNonNull(labels, "labels");
        model = model == null ? "" : model;
    }
}

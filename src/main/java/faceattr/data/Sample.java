package faceattr.data;

import faceattr.labels.LabelSet;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One labelled face image of a dataset.
 *
 * @param image the image file
 * @param id a short name for reports (the path relative to the dataset folder)
 * @param labels its labels, masked where the dataset has none
 * @param aligned whether the image is already an aligned face crop (used as it is, resized);
 *     otherwise faces are detected and aligned first
 * @param split the dataset's own split, or null when the dataset has none (UTKFace)
 * @param source the dataset kind's key, e.g. {@code utkface}
 */
public record Sample(Path image, String id, LabelSet labels, boolean aligned, Split split, String source) {
    /** Checks. */
    public Sample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(source, "source");
    }

    /**
     * @param s the split
     * @return this sample in another split
     */
    public Sample withSplit(Split s) {
        return new Sample(image, id, labels, aligned, s, source);
    }
}

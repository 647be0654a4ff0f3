package faceattr.analysis;

import faceattr.detect.DetectedFace;
import java.util.List;
import java.util.Objects;

/**
 * The faces found in one image, per plane: the value the presenters ({@link FaceRois},
 * {@link FaceTable}, {@link FaceOverlay}) turn into ImageJ output.
 *
 * @param title the image title; names the image in the Results table and marks the ROIs made for it
 * @param planeCount the number of z/t planes of the image (1 for a single image), whether or not all
 *     were searched; above 1, ROI names carry the plane ({@code sN-face-M}) and the table a
 *     {@code slice} column
 * @param hyperstack whether ROI positions are set as (channel, z, t) = (0, z, t), i.e. on all channels,
 *     rather than as a stack index; true for multi-channel images and for images with both z and t
 * @param planes the planes searched, each with its faces (possibly none); copied
 */
public record ImageFaces(String title, int planeCount, boolean hyperstack, List<PlaneFaces> planes) {

    /**
     * Checks and copies.
     *
     * @param title the image title
     * @param planeCount the number of z/t planes of the image
     * @param hyperstack whether ROI positions are (0, z, t)
     * @param planes the planes searched
     */
    public ImageFaces {
        Objects.requireNonNull(title, "title");
        if (planeCount < 1) {
            throw new IllegalArgumentException("planeCount must be at least 1, got " + planeCount);
        }
        planes = List.copyOf(Objects.requireNonNull(planes, "planes"));
    }

    /**
     * The faces of a single (non-stack) image.
     *
     * @param title the image title
     * @param faces the faces
     * @return the value
     */
    public static ImageFaces single(String title, List<DetectedFace> faces) {
        return new ImageFaces(title, 1, false, List.of(new PlaneFaces(1, 1, 1, faces)));
    }

    /**
     * The analysed faces of a single-plane image.
     *
     * @param title the image title
     * @param faces the faces
     * @param attributes their attributes, in the same order
     * @return the value
     */
    public static ImageFaces single(String title, List<DetectedFace> faces,
            List<faceattr.estimate.FaceAttributes> attributes) {
        return new ImageFaces(title, 1, false, List.of(new PlaneFaces(1, 1, 1, faces, attributes)));
    }

    /** @return whether the image has more than one plane */
    public boolean isStack() {
        return planeCount > 1;
    }

    /** @return the number of faces over all planes */
    public int faceCount() {
        int n = 0;
        for (PlaneFaces p : planes) {
            n += p.faces().size();
        }
        return n;
    }
}

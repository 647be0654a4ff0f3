package faceattr.analysis;

import faceattr.detect.DetectedFace;
import faceattr.estimate.FaceAttributes;
import java.util.List;
import java.util.Objects;

/**
 * The faces found in one z/t plane of an image.
 *
 * @param plane the plane number, 1-based: {@code (t - 1) * nSlices + z}. For images with one channel
 *     this is the stack index; the channels of a multi-channel image are merged into one plane.
 * @param z the z position, 1-based
 * @param t the t position (frame), 1-based
 * @param faces the faces, in the detector's order (descending score); copied
 * @param attributes their estimated attributes, in the same order; empty when not analysed; copied
 */
public record PlaneFaces(int plane, int z, int t, List<DetectedFace> faces, List<FaceAttributes> attributes) {

    /**
     * Checks and copies.
     *
     * @param plane the plane number, 1-based
     * @param z the z position, 1-based
     * @param t the frame, 1-based
     * @param faces the faces
     */
    public PlaneFaces {
        if (plane < 1 || z < 1 || t < 1) {
            throw new IllegalArgumentException("plane, z and t are 1-based, got " + plane + ", " + z + ", " + t);
        }
        faces = List.copyOf(Objects.requireNonNull(faces, "faces"));
        attributes = List.copyOf(Objects.requireNonNull(attributes, "attributes"));
        if (!attributes.isEmpty() && attributes.size() != faces.size()) {
            throw new IllegalArgumentException(faces.size() + " faces but " + attributes.size() + " attribute sets");
        }
    }

    /**
     * Faces without attributes (detection only).
     *
     * @param plane the plane number, 1-based
     * @param z the z position, 1-based
     * @param t the frame, 1-based
     * @param faces the faces
     */
    public PlaneFaces(int plane, int z, int t, List<DetectedFace> faces) {
        this(plane, z, t, faces, List.of());
    }

    /** @return whether the faces carry attributes */
    public boolean analysed() {
        return !attributes.isEmpty();
    }

    /**
     * The plane number of position (z, t).
     *
     * @param z the z position, 1-based
     * @param t the frame, 1-based
     * @param nSlices the number of z positions of the image
     * @return {@code (t - 1) * nSlices + z}
     */
    public static int planeNumber(int z, int t, int nSlices) {
        return (t - 1) * nSlices + z;
    }
}

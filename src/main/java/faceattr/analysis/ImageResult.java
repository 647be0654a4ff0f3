package faceattr.analysis;

import faceattr.detect.DetectedFace;
import faceattr.estimate.FaceAttributes;
import java.util.List;
import java.util.Objects;

/**
 * What the analysis found in one image: its faces (detector order, pixels of the image) with
 * their attributes, or why the image could not be analysed. Immutable.
 *
 * @param source the file or image name the result belongs to
 * @param faces the faces in descending score order; empty when none or when it failed
 * @param attributes one per face in the same order, or empty when attributes were not estimated
 * @param failure null on success; else the user-facing reason, naming the source and what to do
 */
public record ImageResult(String source, List<DetectedFace> faces, List<FaceAttributes> attributes,
        String failure) {

    /** Copies the lists; checks that attributes are absent or one per face. */
    public ImageResult {
        Objects.requireNonNull(source, "source");
        faces = List.copyOf(faces);
        attributes = List.copyOf(attributes);
        if (!attributes.isEmpty() && attributes.size() != faces.size()) {
            throw new IllegalArgumentException(attributes.size() + " attribute sets for " + faces.size() + " faces");
        }
        if (failure != null && !faces.isEmpty()) {
            throw new IllegalArgumentException("a failed image has no faces");
        }
    }

    /**
     * @param source the file or image name
     * @param faces its faces
     * @param attributes their attributes, or empty
     * @return a successful result
     */
    public static ImageResult of(String source, List<DetectedFace> faces, List<FaceAttributes> attributes) {
        return new ImageResult(source, faces, attributes, null);
    }

    /**
     * @param source the file or image name
     * @param failure what went wrong and what to do
     * @return a failed result
     */
    public static ImageResult failed(String source, String failure) {
        return new ImageResult(source, List.of(), List.of(), Objects.requireNonNull(failure, "failure"));
    }

    /** @return whether the image could not be analysed ({@link #failure()} says why) */
    public boolean isFailed() {
        return failure != null;
    }

    /** @return whether attributes were estimated for the faces */
    public boolean hasAttributes() {
        return !attributes.isEmpty();
    }
}

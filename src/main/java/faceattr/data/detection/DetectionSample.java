package faceattr.data.detection;

import faceattr.data.Split;
import faceattr.detect.Box;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One image of a detection set with every face annotated in it.
 *
 * @param image the image file
 * @param id the image's name in the set (WIDER: {@code 0--Parade/0_Parade_marchingband_1_849.jpg})
 * @param event the WIDER event folder ({@code 0--Parade}), or null outside WIDER's layout
 * @param split the set's split
 * @param faces the annotated faces, possibly none (an image of negatives only)
 * @param hardNegatives boxes a person marked "not a face" (our export's), which training samples as
 *     negatives on purpose; empty for WIDER FACE itself
 * @param exhaustive whether every face of the image is annotated (WIDER, our export), so that the
 *     rest of the image may give negatives; CelebA annotates one face per photo, so its images
 *     teach boxes and landmarks only
 */
public record DetectionSample(Path image, String id, String event, Split split, List<GroundTruthFace> faces,
        List<Box> hardNegatives, boolean exhaustive) {
    /** Checks and copies. */
    public DetectionSample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(split, "split");
        faces = List.copyOf(faces);
        hardNegatives = List.copyOf(hardNegatives);
    }

    /** @return how many faces are scored (not ignored regions) */
    public int scoredFaces() {
        return (int) faces.stream().filter(f -> !f.ignored()).count();
    }
}

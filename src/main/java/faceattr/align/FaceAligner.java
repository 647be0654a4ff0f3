package faceattr.align;

import faceattr.image.SimilarityTransform;
import faceattr.core.RgbImage;
import faceattr.image.ImageOps;
import faceattr.detect.Landmarks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Aligns faces: fits a least-squares similarity from the five detected landmarks to the
 * {@link AlignmentTemplate} and warps the image into a square crop (bilinear, black outside the
 * image). Stateless and thread-safe.
 */
public final class FaceAligner {

    private FaceAligner() {
    }

    /**
     * @param image the source image
     * @param landmarks the five landmarks in source-image coordinates
     * @param size the crop side in pixels, at least {@link AlignmentTemplate#MIN_SIZE} (112 and 224
     *     are the usual choices)
     * @return the crop and its transform
     * @throws IllegalArgumentException if the size is too small or the landmarks are degenerate
     *     (all equal, non-finite)
     */
    public static AlignedFace align(RgbImage image, Landmarks landmarks, int size) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(landmarks, "landmarks");
        return alignAll(image, List.of(landmarks), size).get(0);
    }

    /**
     * Aligns several faces of one image.
     *
     * @param image the source image
     * @param landmarks one set of landmarks per face
     * @param size the crop side in pixels
     * @return one aligned face per landmark set, in the same order
     * @throws IllegalArgumentException as {@link #align}; the message says which face failed
     */
    public static List<AlignedFace> alignAll(RgbImage image, List<Landmarks> landmarks, int size) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(landmarks, "landmarks");
        AlignmentTemplate template = AlignmentTemplate.forSize(size);
        if (landmarks.isEmpty()) {
            return List.of();
        }
        List<AlignedFace> out = new ArrayList<>(landmarks.size());
        // One native copy of the image serves every face.
        try (Mat src = ImageOps.toMat(image)) {
            for (int i = 0; i < landmarks.size(); i++) {
                SimilarityTransform imageToCrop = fitFace(landmarks.get(i), template, i, landmarks.size());
                out.add(new AlignedFace(ImageOps.warpAffine(src, imageToCrop, size, size), imageToCrop));
            }
        }
        return out;
    }

    private static SimilarityTransform fitFace(Landmarks landmarks, AlignmentTemplate template, int index,
            int count) {
        Objects.requireNonNull(landmarks, "landmarks");
        try {
            return SimilarityTransform.fit(landmarks.toArray(), template.toArray());
        } catch (IllegalArgumentException e) {
            String which = count == 1 ? "" : "face " + (index + 1) + " of " + count + ": ";
            throw new IllegalArgumentException(which + e.getMessage(), e);
        }
    }
}

package faceattr.estimate;

import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.detect.DetectedFace;
import java.util.List;

/**
 * Estimates face attributes from detected faces. Each estimator owns its input recipe: it cuts
 * its own crop from the image and the face's box and landmarks ({@link #crop}), then estimates
 * batches of such crops ({@link #estimate}). Implemented by the pretrained reference estimators
 * ({@code faceattr.reference}) and by the trained multi-task network ({@link MultiTaskEstimator}),
 * so the pipeline runs either unchanged.
 *
 * <p>Not thread-safe unless an implementation says otherwise: use one per thread. Close it to
 * free native memory.
 */
public interface AttributeEstimator extends AutoCloseable {
    /** @return the name written to the {@code model} column and ROI property */
    String name();

    /** @return whether {@link FaceAttributes#has} for race is true for this estimator's results */
    boolean estimatesRace();

    /**
     * Cuts the crop this estimator reads for one face.
     *
     * @param image the whole image
     * @param face a face detected in it (pixels of the same image)
     * @return the crop, in the estimator's input size
     */
    RgbImage crop(RgbImage image, DetectedFace face);

    /**
     * Cuts the crops of all faces of one image. Implementations that convert the image (for
     * example into an OpenCV matrix) override this to convert it once for all its faces.
     *
     * @param image the whole image
     * @param faces faces detected in it
     * @return one crop per face, in order
     */
    default List<RgbImage> crops(RgbImage image, List<DetectedFace> faces) {
        List<RgbImage> out = new java.util.ArrayList<>(faces.size());
        for (DetectedFace f : faces) {
            out.add(crop(image, f));
        }
        return out;
    }

    /**
     * @param crops crops made by {@link #crop}
     * @return one result per crop, in order
     * @throws FaceAttrException when the engine fails
     */
    List<FaceAttributes> estimate(List<RgbImage> crops) throws FaceAttrException;

    @Override
    void close();
}

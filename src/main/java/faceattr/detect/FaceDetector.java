package faceattr.detect;

import faceattr.core.Progress;
import faceattr.core.RgbImage;
import java.util.List;

/**
 * Finds faces in an image. Implementations hold native resources: close them. An instance is
 * not thread-safe; use one per thread.
 */
public interface FaceDetector extends AutoCloseable {

    /**
     * Detects the faces of one image.
     *
     * @param image the image
     * @param progress progress and cancellation (checked between pyramid scales and stages)
     * @return the faces in descending score order, in pixels of {@code image}; empty when none
     */
    List<DetectedFace> detect(RgbImage image, Progress progress);

    /** Detects without progress reporting. */
    default List<DetectedFace> detect(RgbImage image) {
        return detect(image, Progress.NONE);
    }

    /**
     * Detects the faces of several images; implementations may batch their later stages across
     * the images. The default detects them one by one.
     *
     * @param images the images
     * @param progress progress and cancellation
     * @return the faces of each image, in order
     */
    default List<List<DetectedFace>> detectAll(List<RgbImage> images, Progress progress) {
        List<List<DetectedFace>> out = new java.util.ArrayList<>(images.size());
        for (RgbImage image : images) {
            out.add(detect(image, progress));
        }
        return out;
    }

    /** Releases native memory. */
    @Override
    void close();
}

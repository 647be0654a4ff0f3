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

    /** Releases native memory. */
    @Override
    void close();
}

package faceattr.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The image pyramid of P-Net: scale {@code 12 / minFace} first (a face of minFace pixels becomes
 * P-Net's 12-pixel window), then each level {@code factor} times the previous, while the shorter
 * side of the scaled image is still at least 12 pixels.
 */
public final class Pyramid {
    /** P-Net's window side. */
    public static final int WINDOW = 12;

    private Pyramid() {
    }

    /**
     * @param width image width
     * @param height image height
     * @param minFace smallest face side searched for, at least 12
     * @param factor ratio between levels, in (0, 1)
     * @return the scales, largest first; empty when the image is smaller than the window
     */
    public static List<Double> scales(int width, int height, double minFace, double factor) {
        if (!(minFace >= WINDOW) || !(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("need minFace >= 12 and factor in (0, 1)");
        }
        List<Double> out = new ArrayList<>();
        double m = WINDOW / minFace;
        double side = Math.min(width, height) * m;
        double scale = m;
        while (side >= WINDOW) {
            out.add(scale);
            scale *= factor;
            side *= factor;
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the size of the image scaled by s, rounded up as MTCNN does */
    public static int scaledSize(int size, double scale) {
        return (int) Math.ceil(size * scale);
    }
}

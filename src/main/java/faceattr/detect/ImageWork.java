package faceattr.detect;

import faceattr.core.RgbImage;
import faceattr.image.ImageOps;
import java.util.ArrayList;
import java.util.List;

/**
 * One image on its way through the cascade: the image, the work copy the cascade sees
 * (downscaled to the detector's longest side), the pyramid levels and the current candidates.
 * Mutable, owned by one detection call.
 */
final class ImageWork {
    final RgbImage original;
    final RgbImage work;
    final double factor;
    final List<RgbImage> levels = new ArrayList<>();
    List<Candidate> candidates = List.of();

    private ImageWork(RgbImage original, RgbImage work, double factor) {
        this.original = original;
        this.work = work;
        this.factor = factor;
    }

    /**
     * @param image the image
     * @param maxSide the longest side the cascade sees, or 0 for no limit
     * @return the work of the image, downscaled when its longest side exceeds maxSide
     */
    static ImageWork of(RgbImage image, int maxSide) {
        int longest = Math.max(image.width(), image.height());
        if (maxSide <= 0 || longest <= maxSide) {
            return new ImageWork(image, image, 1);
        }
        double f = maxSide / (double) longest;
        return new ImageWork(image, ImageOps.resize(image, Math.max(1, (int) Math.round(image.width() * f)),
                Math.max(1, (int) Math.round(image.height() * f))), f);
    }

    /** Faces found on the (possibly downscaled) work image, in the original's pixels. */
    List<DetectedFace> toOriginal(List<DetectedFace> faces) {
        if (factor == 1) {
            return faces;
        }
        double sx = original.width() / (double) work.width();
        double sy = original.height() / (double) work.height();
        List<DetectedFace> scaled = new ArrayList<>(faces.size());
        for (DetectedFace d : faces) {
            double[] lm = d.landmarks().toArray();
            for (int i = 0; i < lm.length; i += 2) {
                lm[i] *= sx;
                lm[i + 1] *= sy;
            }
            Box b = d.box();
            scaled.add(new DetectedFace(clip(new Box(b.x() * sx, b.y() * sy, b.width() * sx, b.height() * sy),
                    original), d.score(), new Landmarks(lm)));
        }
        return scaled;
    }

    /** @return the box clipped to the image */
    static Box clip(Box b, RgbImage img) {
        double x1 = Math.max(0, b.x());
        double y1 = Math.max(0, b.y());
        double x2 = Math.min(img.width(), b.x2());
        double y2 = Math.min(img.height(), b.y2());
        return new Box(x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1));
    }
}

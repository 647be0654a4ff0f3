package faceattr.train;

import faceattr.image.ImageOps;
import faceattr.image.SimilarityTransform;
import faceattr.core.RgbImage;
import java.util.Random;

/**
 * Training-time augmentation of face crops: horizontal flip, random resized crop (scale and small
 * shift), a small rotation, and colour jitter (brightness, contrast, saturation). One similarity
 * warp does flip-free geometry; the flip and the colour changes are pixel loops. All strengths are
 * options; {@link Options#NONE} turns everything off.
 */
public final class Augmenter {
    /**
     * @param flip probability of a horizontal flip
     * @param minScale smallest zoom of the random resized crop (1 = none; 0.85 keeps 85 % of the side)
     * @param maxShift largest shift, as a fraction of the side
     * @param maxDegrees largest rotation either way
     * @param brightness largest relative brightness change (0.2 = ±20 %)
     * @param contrast largest relative contrast change
     * @param saturation largest relative saturation change
     */
    public record Options(double flip, double minScale, double maxShift, double maxDegrees, double brightness,
            double contrast, double saturation) {
        /** The defaults (docs/training.md). */
        public static final Options DEFAULT = new Options(0.5, 0.85, 0.05, 10, 0.2, 0.2, 0.2);
        /** No augmentation. */
        public static final Options NONE = new Options(0, 1, 0, 0, 0, 0, 0);

        /** Checks. */
        public Options {
            if (!(flip >= 0 && flip <= 1) || !(minScale > 0 && minScale <= 1) || !(maxShift >= 0)
                    || !(maxDegrees >= 0) || !(brightness >= 0) || !(contrast >= 0) || !(saturation >= 0)) {
                throw new IllegalArgumentException("augmentation option out of range: " + this);
            }
        }
    }

    private final Options o;

    /** @param options the strengths */
    public Augmenter(Options options) {
        this.o = options;
    }

    /**
     * @param crop a square crop
     * @param r the random source (seeded per sample and epoch, so a resumed run repeats it)
     * @return the augmented crop, same size
     */
    public RgbImage apply(RgbImage crop, Random r) {
        int n = crop.width();
        RgbImage out = crop;
        double scale = o.minScale() < 1 ? o.minScale() + r.nextDouble() * (1 - o.minScale()) : 1;
        double angle = Math.toRadians((r.nextDouble() * 2 - 1) * o.maxDegrees());
        double dx = (r.nextDouble() * 2 - 1) * o.maxShift() * n;
        double dy = (r.nextDouble() * 2 - 1) * o.maxShift() * n;
        if (scale != 1 || angle != 0 || dx != 0 || dy != 0) {
            // Zoom in by 1/scale and rotate about the centre, then shift.
            double c = n / 2.0;
            SimilarityTransform t = SimilarityTransform.translation(-c, -c)
                    .then(SimilarityTransform.ofScaleRotation(1 / scale, angle, c + dx, c + dy));
            out = ImageOps.warpAffine(out, t, n, n);
        }
        boolean flip = r.nextDouble() < o.flip();
        double b = 1 + (r.nextDouble() * 2 - 1) * o.brightness();
        double k = 1 + (r.nextDouble() * 2 - 1) * o.contrast();
        double s = 1 + (r.nextDouble() * 2 - 1) * o.saturation();
        if (!flip && b == 1 && k == 1 && s == 1) {
            return out;
        }
        byte[] px = out.pixels();
        double mean = 0;
        for (int i = 0; i < px.length; i++) {
            mean += px[i] & 0xff;
        }
        mean /= px.length;
        byte[] dst = new byte[px.length];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int from = (y * n + (flip ? n - 1 - x : x)) * 3;
                double rr = px[from] & 0xff;
                double gg = px[from + 1] & 0xff;
                double bb = px[from + 2] & 0xff;
                double grey = 0.299 * rr + 0.587 * gg + 0.114 * bb;
                double[] v = {rr, gg, bb};
                int to = (y * n + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    double q = grey + (v[ch] - grey) * s; // saturation
                    q = mean + (q - mean) * k; // contrast
                    q *= b; // brightness
                    dst[to + ch] = (byte) Math.max(0, Math.min(255, Math.round(q)));
                }
            }
        }
        return new RgbImage(n, n, dst);
    }
}

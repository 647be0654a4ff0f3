package faceattr.detect;

import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.io.ImageFiles;
import java.nio.file.Path;
import java.util.Random;

/** Inputs shared by the detector tests: seeded noise, real face crops, layout conversions. */
final class TestInputs {
    static final Path ASTRONAUT = Path.of("sample-data", "astronaut.png");
    static final Path COFFEE = Path.of("sample-data", "coffee.png");

    private static RgbImage astronaut;

    private TestInputs() {
    }

    static synchronized RgbImage astronaut() throws FaceAttrException {
        if (astronaut == null) {
            astronaut = ImageFiles.read(ASTRONAUT);
        }
        return astronaut;
    }

    /** @return n values uniform in [-1, 1), the range of MTCNN's normalised pixels */
    static float[] noise(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /**
     * Samples the square region [x0, x0+side) x [y0, y0+side) of an image at size x size pixels
     * (nearest pixel centre), normalised as MTCNN wants: (v - 127.5) / 128, planar RGB (3, size, size).
     */
    static float[] crop(RgbImage img, double x0, double y0, double sideX, double sideY, int h, int w) {
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            int sy = clamp((int) Math.floor(y0 + (y + 0.5) * sideY / h), img.height());
            for (int x = 0; x < w; x++) {
                int sx = clamp((int) Math.floor(x0 + (x + 0.5) * sideX / w), img.width());
                int rgb = img.rgbAt(sx, sy);
                for (int c = 0; c < 3; c++) {
                    int v = (rgb >> (16 - 8 * c)) & 0xff;
                    out[(c * h + y) * w + x] = (v - 127.5f) / 128f;
                }
            }
        }
        return out;
    }

    private static int clamp(int v, int n) {
        return Math.max(0, Math.min(n - 1, v));
    }

    /**
     * NCHW in image orientation to the NHWC layout of the Caffe-trained TFLite graphs, whose
     * tensor axis 1 runs along image x: {@code t[n][x][y][c] = a[n][c][y][x]}.
     */
    static float[] toTransposedNhwc(float[] a, int n, int c, int h, int w) {
        float[] t = new float[a.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        t[((b * w + x) * h + y) * c + ch] = a[((b * c + ch) * h + y) * w + x];
                    }
                }
            }
        }
        return t;
    }

    /**
     * The inverse for output maps: NHWC with axis 1 along image x, shape (n, w, h, c), to NCHW
     * (n, c, h, w) in image orientation.
     */
    static float[] fromTransposedNhwc(float[] t, int n, int c, int h, int w) {
        float[] a = new float[t.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        a[((b * c + ch) * h + y) * w + x] = t[((b * w + x) * h + y) * c + ch];
                    }
                }
            }
        }
        return a;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            m = Math.max(m, d);
        }
        return m;
    }
}

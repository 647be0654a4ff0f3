package faceattr.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import faceattr.image.ImageOps;
import faceattr.core.RgbImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CropSamplerTest {
    private static final float MEAN = 127.5f;
    private static final float SCALE = 1 / 128f;

    /** Reference: crop with black padding, resize with OpenCV, normalise. */
    private static float[] viaOpenCv(RgbImage img, int x1, int y1, int x2, int y2, int size) {
        int w = Math.max(1, x2 - x1);
        int h = Math.max(1, y2 - y1);
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = x1 + x;
                int sy = y1 + y;
                if (sx >= 0 && sy >= 0 && sx < img.width() && sy < img.height()) {
                    System.arraycopy(img.pixels(), (sy * img.width() + sx) * 3, out, (y * w + x) * 3, 3);
                }
            }
        }
        return ImageOps.toFloatHWC(ImageOps.resize(new RgbImage(w, h, out), size, size), MEAN, SCALE);
    }

    private static float[] sample(RgbImage img, int x1, int y1, int x2, int y2, int size) {
        float[] f = new float[3 * size * size + 5];
        CropSampler.sample(img, x1, y1, x2, y2, size, MEAN, SCALE, f, 5);
        return java.util.Arrays.copyOfRange(f, 5, f.length);
    }

    private static RgbImage smoothRandom(int w, int h, long seed) {
        // Smooth content, like photos: OpenCV's 8-bit rounding between passes then stays small.
        Random r = new Random(seed);
        double[] a = new double[9];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextDouble();
        }
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 127 + 120 * Math.sin(a[3 * c] * x * 0.3 + a[3 * c + 1] * y * 0.25 + 6 * a[3 * c + 2]);
                    px[(y * w + x) * 3 + c] = (byte) Math.round(v);
                }
            }
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void agreesWithOpenCvWhenShrinkingAndGrowing() {
        RgbImage img = smoothRandom(200, 150, 3);
        Random r = new Random(7);
        for (int t = 0; t < 200; t++) {
            int size = t % 2 == 0 ? 24 : 48;
            int side = 8 + r.nextInt(90);
            int x1 = r.nextInt(230) - 30;
            int y1 = r.nextInt(180) - 30;
            float[] ref = viaOpenCv(img, x1, y1, x1 + side, y1 + side, size);
            float[] got = sample(img, x1, y1, x1 + side, y1 + side, size);
            double max = 0;
            for (int i = 0; i < ref.length; i++) {
                max = Math.max(max, Math.abs(ref[i] - got[i]));
            }
            // OpenCV rounds to 8 bits (half a level) and interpolates in 11-bit fixed point.
            String what = "box " + x1 + "," + y1 + " side " + side + " -> " + size;
            org.junit.jupiter.api.Assertions.assertTrue(max <= 1.01 / 128, what + ": max diff " + max * 128 + " levels");
        }
    }

    @Test
    void averagesExactlyOnAnIntegerShrink() {
        // 4x4 box -> 2x2: each output is the mean of a 2x2 block.
        byte[] px = new byte[4 * 4 * 3];
        for (int i = 0; i < 16; i++) {
            px[3 * i] = (byte) (i * 10);
            px[3 * i + 1] = (byte) 200;
        }
        float[] got = sample(new RgbImage(4, 4, px), 0, 0, 4, 4, 2);
        float[] expectRed = {(0 + 10 + 40 + 50) / 4f, (20 + 30 + 60 + 70) / 4f, (80 + 90 + 120 + 130) / 4f,
            (100 + 110 + 140 + 150) / 4f};
        for (int i = 0; i < 4; i++) {
            // Interleaved: pixel i's R, G, B at 3i, 3i+1, 3i+2.
            assertEquals((expectRed[i] - MEAN) * SCALE, got[3 * i], 1e-6);
            assertEquals((200 - MEAN) * SCALE, got[3 * i + 1], 1e-6);
            assertEquals(-MEAN * SCALE, got[3 * i + 2], 1e-6);
        }
    }

    @Test
    void isBlackOutsideTheImage() {
        byte[] px = new byte[10 * 10 * 3];
        java.util.Arrays.fill(px, (byte) 255);
        float[] got = sample(new RgbImage(10, 10, px), 20, 20, 44, 44, 24);
        for (float v : got) {
            assertEquals(-MEAN * SCALE, v, 1e-6);
        }
        // Box (-10, 0)-(10, 20) over a 10x10 white image -> 2x2: only the top right output is white.
        float[] part = sample(new RgbImage(10, 10, px), -10, 0, 10, 20, 2);
        assertPixels(part, -MEAN * SCALE, (255 - MEAN) * SCALE, -MEAN * SCALE, -MEAN * SCALE);
        // Rows above the image after a white crop of the same size (the scratch rows are reused):
        // box (0, -10)-(20, 10) -> 2x2: only the bottom left output is white.
        sample(new RgbImage(10, 10, px), 0, 0, 10, 10, 2);
        float[] above = sample(new RgbImage(10, 10, px), 0, -10, 20, 10, 2);
        assertPixels(above, -MEAN * SCALE, -MEAN * SCALE, (255 - MEAN) * SCALE, -MEAN * SCALE);
    }

    /** Each pixel's 3 interleaved channels equal its expected grey value. */
    private static void assertPixels(float[] got, float... expected) {
        assertEquals(3 * expected.length, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i / 3], got[i], 1e-6, "value " + i);
        }
    }
}

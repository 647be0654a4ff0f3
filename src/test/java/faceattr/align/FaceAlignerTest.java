package faceattr.align;

import faceattr.image.SimilarityTransform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.RgbImage;
import faceattr.detect.Landmarks;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Alignment through the real OpenCV warp. The blob test measures where landmarks end up in the
 * crop, so a missing or doubled half-pixel shift (which moves them by |I - A| * (0.5, 0.5), i.e.
 * 0.7 px or more once the crop scale reaches 2) fails it.
 */
class FaceAlignerTest {
    private static final int W = 400;
    private static final int H = 300;
    private static final int BACKGROUND = 12;
    private static final double PEAK = 220;
    /** Blob sigma in pixels of a 112 crop. */
    private static final double SIGMA_112 = 1.5;

    @Test
    void landmarkBlobsLandOnTheTemplateAt112And224() {
        Random rnd = new Random(20251129);
        double worst = 0;
        for (int trial = 0; trial < 12; trial++) {
            double scale = 0.5 + 2.5 * rnd.nextDouble();
            double angle = Math.toRadians(-40 + 80 * rnd.nextDouble());
            double sigmaImage = Math.max(0.8, SIGMA_112 / scale);
            double[] points = placeTemplate(rnd, scale, angle, 5 * sigmaImage + 3);
            RgbImage image = drawBlobs(points, sigmaImage);
            Landmarks landmarks = new Landmarks(points);
            for (int size : new int[] {112, 224}) {
                AlignedFace face = FaceAligner.align(image, landmarks, size);
                assertEquals(size, face.crop().width());
                assertEquals(size, face.crop().height());
                AlignmentTemplate template = AlignmentTemplate.forSize(size);
                double sigmaCrop = sigmaImage * scale * size / 112.0;
                for (int i = 0; i < Landmarks.COUNT; i++) {
                    double[] c = centroid(face.crop(), template.x(i), template.y(i), 4 * sigmaCrop + 2);
                    double err = Math.hypot(c[0] - template.x(i), c[1] - template.y(i));
                    worst = Math.max(worst, err);
                    assertTrue(err < 0.5, String.format("trial %d size %d %s: blob at (%.3f, %.3f), template "
                            + "(%.3f, %.3f), off by %.3f px (scale %.2f, angle %.1f deg)", trial, size,
                            Landmarks.NAMES[i], c[0], c[1], template.x(i), template.y(i), err, scale,
                            Math.toDegrees(angle)));
                }
            }
        }
        System.out.printf("worst landmark error through the warp: %.4f px%n", worst);
    }

    /**
     * Maps the 112 template into the image by the inverse of a random image-to-crop similarity
     * with the given scale and angle, placed so that every point keeps {@code margin} from the edges.
     */
    private static double[] placeTemplate(Random rnd, double scale, double angle, double margin) {
        double[] template = AlignmentTemplate.forSize(112).toArray();
        for (int attempt = 0; attempt < 1000; attempt++) {
            double cx = W * rnd.nextDouble();
            double cy = H * rnd.nextDouble();
            // Crop centre (56, 56) sits at image point (cx, cy).
            SimilarityTransform imageToCrop = SimilarityTransform.translation(-cx, -cy)
                    .then(SimilarityTransform.ofScaleRotation(scale, angle, 56, 56));
            double[] p = imageToCrop.inverse().applyAll(template);
            boolean inside = true;
            for (int i = 0; i < p.length; i += 2) {
                inside &= p[i] > margin && p[i] < W - margin && p[i + 1] > margin && p[i + 1] < H - margin;
            }
            if (inside) {
                return p;
            }
        }
        throw new AssertionError("could not place the face");
    }

    /** Dark image with a Gaussian blob at each sub-pixel point, sampled at pixel centres i + 0.5. */
    private static RgbImage drawBlobs(double[] points, double sigma) {
        double[] v = new double[W * H];
        int r = (int) Math.ceil(5 * sigma) + 1;
        for (int k = 0; k < points.length; k += 2) {
            double px = points[k];
            double py = points[k + 1];
            for (int y = (int) py - r; y <= (int) py + r; y++) {
                for (int x = (int) px - r; x <= (int) px + r; x++) {
                    double dx = x + 0.5 - px;
                    double dy = y + 0.5 - py;
                    v[y * W + x] += PEAK * Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                }
            }
        }
        byte[] rgb = new byte[W * H * 3];
        for (int i = 0; i < v.length; i++) {
            byte b = (byte) Math.min(255, Math.round(BACKGROUND + v[i]));
            rgb[3 * i] = b;
            rgb[3 * i + 1] = b;
            rgb[3 * i + 2] = b;
        }
        return new RgbImage(W, H, rgb);
    }

    /** Intensity-weighted centroid above background in a window, in continuous coordinates. */
    private static double[] centroid(RgbImage crop, double cx, double cy, double radius) {
        double sum = 0, sx = 0, sy = 0;
        int x0 = Math.max(0, (int) Math.floor(cx - radius));
        int x1 = Math.min(crop.width() - 1, (int) Math.ceil(cx + radius));
        int y0 = Math.max(0, (int) Math.floor(cy - radius));
        int y1 = Math.min(crop.height() - 1, (int) Math.ceil(cy + radius));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double w = Math.max(0, ((crop.rgbAt(x, y) >> 8) & 0xff) - BACKGROUND);
                sum += w;
                sx += w * (x + 0.5);
                sy += w * (y + 0.5);
            }
        }
        assertTrue(sum > 0, "no blob found near (" + cx + ", " + cy + ")");
        return new double[] {sx / sum, sy / sum};
    }

    @Test
    void cropAndImageCoordinatesRoundTrip() {
        RgbImage image = smoothImage(W, H);
        Random rnd = new Random(7);
        double[] points = placeTemplate(rnd, 1.7, Math.toRadians(25), 10);
        AlignedFace face = FaceAligner.align(image, new Landmarks(points), 112);
        for (int k = 0; k < 100; k++) {
            double x = 112 * rnd.nextDouble();
            double y = 112 * rnd.nextDouble();
            double[] img = face.toImage(x, y);
            assertArrayEquals(new double[] {x, y}, face.toCrop(img[0], img[1]), 1e-9);
        }
        double[] box = face.cropBoxInImage();
        assertEquals(8, box.length);
        assertArrayEquals(face.toImage(0, 0), new double[] {box[0], box[1]}, 1e-12);
        assertArrayEquals(face.toImage(112, 0), new double[] {box[2], box[3]}, 1e-12);
        assertArrayEquals(face.toImage(112, 112), new double[] {box[4], box[5]}, 1e-12);
        assertArrayEquals(face.toImage(0, 112), new double[] {box[6], box[7]}, 1e-12);
        // The landmarks themselves go to the template.
        double[] t = AlignmentTemplate.forSize(112).toArray();
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(new double[] {t[2 * i], t[2 * i + 1]}, face.toCrop(points[2 * i], points[2 * i + 1]),
                    1e-9);
        }
    }

    @Test
    void cropPixelsShowTheImageAtTheirMappedCentres() {
        RgbImage image = smoothImage(W, H);
        Random rnd = new Random(8);
        for (int size : new int[] {112, 224}) {
            double[] points = placeTemplate(rnd, 0.6 + rnd.nextDouble(), Math.toRadians(-30), 10);
            AlignedFace face = FaceAligner.align(image, new Landmarks(points), size);
            int compared = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double[] p = face.toImage(x + 0.5, y + 0.5);
                    if (p[0] < 2 || p[1] < 2 || p[0] > W - 2 || p[1] > H - 2) {
                        continue;
                    }
                    int crop = face.crop().rgbAt(x, y);
                    for (int c = 0; c < 3; c++) {
                        double expected = bilinear(image, c, p[0], p[1]);
                        double got = (crop >> (16 - 8 * c)) & 0xff;
                        assertEquals(expected, got, 2.0, "crop pixel (" + x + ", " + y + ") channel " + c);
                    }
                    compared++;
                }
            }
            assertTrue(compared > size * size / 2, "too few crop pixels inside the image: " + compared);
        }
    }

    @Test
    void landmarksOnTheTemplateGiveAnExactCopy() {
        // Identity and integer shifts must not resample: a half-pixel error would blur every pixel.
        RgbImage image = smoothImage(112, 112);
        double[] t = AlignmentTemplate.forSize(112).toArray();
        assertArrayEquals(image.pixels(), FaceAligner.align(image, new Landmarks(t), 112).crop().pixels());
        RgbImage big = smoothImage(150, 140);
        double[] shifted = t.clone();
        for (int i = 0; i < shifted.length; i += 2) {
            shifted[i] += 10;
            shifted[i + 1] += 7;
        }
        RgbImage crop = FaceAligner.align(big, new Landmarks(shifted), 112).crop();
        for (int y = 0; y < 112; y++) {
            for (int x = 0; x < 112; x++) {
                assertEquals(big.rgbAt(x + 10, y + 7), crop.rgbAt(x, y));
            }
        }
    }

    @Test
    void halvingAveragesTwoByTwoBlocks() {
        // With corner-origin coordinates, crop pixel i covers image pixels 2i and 2i+1, so its
        // centre samples exactly between them; OpenCV's centre convention used raw would hit 2i.
        RgbImage image = noiseImage(224, 224, 9);
        double[] t = AlignmentTemplate.forSize(224).toArray();
        RgbImage crop = FaceAligner.align(image, new Landmarks(t), 112).crop();
        for (int y = 0; y < 112; y++) {
            for (int x = 0; x < 112; x++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    double mean = (channel(image, 2 * x, 2 * y, shift) + channel(image, 2 * x + 1, 2 * y, shift)
                            + channel(image, 2 * x, 2 * y + 1, shift) + channel(image, 2 * x + 1, 2 * y + 1, shift)) / 4.0;
                    assertEquals(mean, channel(crop, x, y, shift), 1.0, "pixel (" + x + ", " + y + ")");
                }
            }
        }
    }

    @Test
    void alignAllKeepsOrderAndNamesTheFailingFace() {
        RgbImage image = smoothImage(W, H);
        Random rnd = new Random(10);
        Landmarks a = new Landmarks(placeTemplate(rnd, 1, 0, 10));
        Landmarks b = new Landmarks(placeTemplate(rnd, 2, 0.3, 10));
        List<AlignedFace> faces = FaceAligner.alignAll(image, List.of(a, b), 112);
        assertEquals(2, faces.size());
        assertArrayEquals(FaceAligner.align(image, b, 112).crop().pixels(), faces.get(1).crop().pixels());
        Landmarks flat = new Landmarks(new double[10]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FaceAligner.alignAll(image, List.of(a, flat), 112));
        assertTrue(e.getMessage().startsWith("face 2 of 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FaceAligner.align(image, a, 8));
    }

    private static int channel(RgbImage image, int x, int y, int shift) {
        return (image.rgbAt(x, y) >> shift) & 0xff;
    }

    /** Bilinear interpolation in continuous coordinates: pixel centres at i + 0.5. */
    private static double bilinear(RgbImage image, int c, double x, double y) {
        double fx = x - 0.5;
        double fy = y - 0.5;
        int x0 = (int) Math.floor(fx);
        int y0 = (int) Math.floor(fy);
        double ax = fx - x0;
        double ay = fy - y0;
        int shift = 16 - 8 * c;
        return (1 - ay) * ((1 - ax) * channel(image, x0, y0, shift) + ax * channel(image, x0 + 1, y0, shift))
                + ay * ((1 - ax) * channel(image, x0, y0 + 1, shift) + ax * channel(image, x0 + 1, y0 + 1, shift));
    }

    /** Smooth colour pattern with gradients up to ~15 levels per pixel, so half a pixel shows. */
    static RgbImage smoothImage(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++, o += 3) {
                double cx = x + 0.5;
                double cy = y + 0.5;
                rgb[o] = (byte) Math.round(128 + 100 * Math.sin(cx / 7 + cy / 11));
                rgb[o + 1] = (byte) Math.round(128 + 100 * Math.cos(cx / 9 - cy / 6));
                rgb[o + 2] = (byte) Math.round(255 * cx / w);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static RgbImage noiseImage(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }
}

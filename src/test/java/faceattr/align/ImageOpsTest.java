package faceattr.align;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.RgbImage;
import faceattr.image.ImageOps;
import faceattr.image.SimilarityTransform;
import faceattr.detect.Landmarks;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.Test;

class ImageOpsTest {

    private static RgbImage randomImage(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    private static double mean(RgbImage image) {
        double sum = 0;
        for (byte b : image.pixels()) {
            sum += b & 0xff;
        }
        return sum / image.pixels().length;
    }

    @Test
    void matRoundTripKeepsRgbOrderAndShape() {
        RgbImage image = randomImage(7, 5, 1);
        try (Mat mat = ImageOps.toMat(image)) {
            assertEquals(CV_8UC3, mat.type());
            assertEquals(5, mat.rows());
            assertEquals(7, mat.cols());
            assertEquals(image.pixels()[0], mat.ptr(0, 0).get(0), "first byte must be red, not blue");
            assertArrayEquals(image.pixels(), ImageOps.fromMat(mat).pixels());
        }
    }

    @Test
    void fromMatReadsARegionOfInterest() {
        RgbImage image = randomImage(10, 8, 2);
        try (Mat mat = ImageOps.toMat(image); Rect r = new Rect(3, 2, 4, 5); Mat roi = new Mat(mat, r)) {
            RgbImage part = ImageOps.fromMat(roi);
            assertEquals(4, part.width());
            assertEquals(5, part.height());
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(image.rgbAt(x + 3, y + 2), part.rgbAt(x, y));
                }
            }
        }
    }

    @Test
    void shrinkingAveragesBlocksAndKeepsTheMean() {
        RgbImage image = randomImage(64, 48, 3);
        RgbImage small = ImageOps.resize(image, 16, 12);
        assertEquals(16, small.width());
        assertEquals(12, small.height());
        assertEquals(mean(image), mean(small), 0.5);
        // An integer factor of 4 makes area resampling an exact 4x4 block mean.
        double block = 0;
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                block += (image.rgbAt(x + 4, y + 8) >> 16) & 0xff;
            }
        }
        assertEquals(block / 16, (small.rgbAt(1, 2) >> 16) & 0xff, 0.5);
    }

    @Test
    void enlargingKeepsTheMeanAndShape() {
        RgbImage image = FaceAlignerTest.smoothImage(30, 20);
        RgbImage big = ImageOps.resize(image, 75, 50);
        assertEquals(75, big.width());
        assertEquals(50, big.height());
        assertEquals(mean(image), mean(big), 1.5);
        RgbImage mixed = ImageOps.resize(image, 60, 10);
        assertEquals(60, mixed.width());
        assertEquals(10, mixed.height());
        assertSame(image, ImageOps.resize(image, 30, 20));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.resize(image, 0, 5));
    }

    @Test
    void openCvMatrixIsConjugatedByHalfAPixel() {
        // Doubling about the corner: OpenCV's pixel centre 0 (ours 0.5) must go to ours 1.0 = OpenCV 0.5.
        double[] m = ImageOps.toOpenCvMatrix(SimilarityTransform.ofScaleRotation(2, 0, 0, 0));
        assertArrayEquals(new double[] {2, 0, 0.5, 0, 2, 0.5}, m, 1e-12);
        assertArrayEquals(new double[] {1, 0, 3, 0, 1, 4},
                ImageOps.toOpenCvMatrix(SimilarityTransform.translation(3, 4)), 1e-12);
    }

    @Test
    void warpByAnIntegerShiftMovesPixelsExactly() {
        RgbImage image = randomImage(20, 15, 4);
        RgbImage out = ImageOps.warpAffine(image, SimilarityTransform.translation(-3, -2), 10, 10);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(image.rgbAt(x + 3, y + 2), out.rgbAt(x, y));
            }
        }
        RgbImage outside = ImageOps.warpAffine(image, SimilarityTransform.translation(100, 100), 5, 5);
        for (byte b : outside.pixels()) {
            assertEquals(0, b, "outside the image must be black");
        }
    }

    @Test
    void floatChwIsPlanarAndNormalised() {
        RgbImage image = new RgbImage(2, 1, new byte[] {10, 20, 30, (byte) 200, (byte) 255, 0});
        float[] chw = ImageOps.toFloatCHW(image, 127.5f, 1 / 128f);
        float[] expected = {10, 200, 20, 255, 30, 0};
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (expected[i] - 127.5f) / 128f;
        }
        assertArrayEquals(expected, chw, 1e-7f);
        float[] hwc = ImageOps.toFloatHWC(image, 0, 1 / 255f);
        assertArrayEquals(new float[] {10 / 255f, 20 / 255f, 30 / 255f, 200 / 255f, 1, 0}, hwc, 1e-7f);
    }

    @Test
    void everyNativeObjectIsClosed() {
        // JavaCPP would free forgotten Mats on garbage collection, far too late in a loop over a
        // folder; counting live native objects catches a missing close right away.
        RgbImage image = randomImage(40, 30, 5);
        Landmarks face = new Landmarks(AlignmentTemplate.forSize(112).toArray());
        SimilarityTransform t = SimilarityTransform.ofScaleRotation(1.1, 0.2, -2, 1);
        // The first calls load the native libraries, which keep a few objects for good.
        ImageOps.warpAffine(image, t, 40, 30);
        ImageOps.resize(image, 20, 15);
        ImageOps.resize(image, 60, 45);
        FaceAligner.alignAll(image, List.of(face, face), 112);
        // Free everything earlier code dropped, so that a garbage collection during the loop has
        // nothing of others' to free: then any change of the count is this loop's.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Pointer.deallocateReferences();
        }
        long before = Pointer.totalCount();
        for (int i = 0; i < 20; i++) {
            ImageOps.warpAffine(image, t, 40, 30);
            ImageOps.resize(image, 20, 15);
            ImageOps.resize(image, 60, 45);
            FaceAligner.alignAll(image, List.of(face, face), 112);
        }
        // A forgotten close leaves one object per call (80 here); a collection during the loop
        // could free some of those, never all, so the check stays exact.
        assertEquals(before, Pointer.totalCount(), "native objects left open");
    }
}

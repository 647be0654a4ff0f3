package faceattr.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.image.ImageOps;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.io.ImageFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import faceattr.engine.InferenceEngine;

/**
 * The whole cascade on real pictures with known faces. Expected positions were measured by hand
 * on sample-data/astronaut.png (512 x 512, public-domain NASA portrait), not taken from the
 * detector.
 */
class RfemtcDetectorTest {
    /** Hand-measured landmarks in astronaut.png: left eye, right eye, nose, mouth left, mouth right. */
    private static final double[][] LANDMARKS = {{203, 101}, {246, 103}, {224, 125}, {204, 142}, {245, 141}};
    /** Hand-measured face centre (between eyes and chin, cheek to cheek) and width in pixels. */
    private static final double CENTRE_X = 225;
    private static final double CENTRE_Y = 130;
    private static final double FACE_WIDTH = 88;
    /** Landmarks must be within this many pixels (at the 512 image's scale) of the hand-measured points. */
    private static final double LANDMARK_TOLERANCE = 8;
    /** The crop pasted onto the large canvas: x 140..300, y 30..230 of astronaut.png. */
    private static final int CROP_X = 140;
    private static final int CROP_Y = 30;
    private static final int CROP_W = 160;
    private static final int CROP_H = 200;

    private static RfemtcDetector detector;

    @BeforeAll
    static void open() throws FaceAttrException {
        detector = RfemtcDetector.create(DetectorSettings.DEFAULT);
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    private static double cx(Box b) {
        return b.x() + b.width() / 2;
    }

    private static double cy(Box b) {
        return b.y() + b.height() / 2;
    }

    private static boolean contains(Box b, double x, double y) {
        return x >= b.x() && x <= b.x2() && y >= b.y() && y <= b.y2();
    }

    /** The geometric sanity every upright frontal face must pass. */
    private static void assertUprightFace(DetectedFace f, String what) {
        Landmarks l = f.landmarks();
        Box b = f.box();
        assertTrue(f.score() > 0.9, what + ": score " + f.score());
        assertTrue(contains(b, l.x(0), l.y(0)) && contains(b, l.x(1), l.y(1)), what + ": eyes " + l
                + " outside the box " + b);
        assertTrue(l.x(0) < l.x(1), what + ": left eye is not left of the right eye: " + l);
        assertTrue(l.x(3) < l.x(4), what + ": mouth corners swapped: " + l);
        double eyes = (l.y(0) + l.y(1)) / 2;
        double mouth = (l.y(3) + l.y(4)) / 2;
        assertTrue(eyes < l.y(2) && l.y(2) < mouth, what + ": not eyes above nose above mouth: " + l);
    }

    /** Landmarks against the hand-measured ones mapped by p -> (p - origin) * scale + offset. */
    private static void assertLandmarksNear(DetectedFace f, double ox, double oy, double scale, double dx,
            double dy, String what) {
        for (int i = 0; i < Landmarks.COUNT; i++) {
            double ex = (LANDMARKS[i][0] - ox) * scale + dx;
            double ey = (LANDMARKS[i][1] - oy) * scale + dy;
            double d = Math.hypot(f.landmarks().x(i) - ex, f.landmarks().y(i) - ey);
            assertTrue(d <= LANDMARK_TOLERANCE * scale, what + ": " + Landmarks.NAMES[i] + " at ("
                    + f.landmarks().x(i) + ", " + f.landmarks().y(i) + "), expected (" + ex + ", " + ey + ")");
        }
    }

    private static RgbImage filled(int w, int h, int grey) {
        byte[] px = new byte[w * h * 3];
        Arrays.fill(px, (byte) grey);
        return new RgbImage(w, h, px);
    }

    private static RgbImage crop(RgbImage img, int x0, int y0, int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(img.pixels(), ((y0 + y) * img.width() + x0) * 3, px, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, px);
    }

    private static void paste(RgbImage dst, RgbImage src, int x0, int y0) {
        for (int y = 0; y < src.height(); y++) {
            System.arraycopy(src.pixels(), y * src.width() * 3, dst.pixels(), ((y0 + y) * dst.width() + x0) * 3,
                    src.width() * 3);
        }
    }

    private static List<DetectedFace> detect(RgbImage img, String what) {
        long t0 = System.nanoTime();
        List<DetectedFace> faces = detector.detect(img);
        System.out.printf("%s: %d faces in %.0f ms%s%n", what, faces.size(), (System.nanoTime() - t0) / 1e6,
                faces.isEmpty() ? "" : " " + faces);
        return faces;
    }

    @Test
    void astronautHasExactlyOneFace() throws FaceAttrException {
        List<DetectedFace> faces = detect(TestInputs.astronaut(), "astronaut");
        assertEquals(1, faces.size(), faces.toString());
        DetectedFace f = faces.get(0);
        assertUprightFace(f, "astronaut");
        assertLandmarksNear(f, 0, 0, 1, 0, 0, "astronaut");
        Box b = f.box();
        assertTrue(Math.abs(cx(b) - CENTRE_X) < 15 && Math.abs(cy(b) - CENTRE_Y) < 15, "box centre of " + b);
        assertTrue(b.width() > 0.8 * FACE_WIDTH && b.width() < 1.5 * FACE_WIDTH, "box width of " + b);
    }

    @Test
    void coffeeHasNoFace() throws FaceAttrException {
        List<DetectedFace> faces = detect(ImageFiles.read(TestInputs.COFFEE), "coffee");
        assertTrue(faces.isEmpty(), faces.toString());
    }

    @Test
    void greyscaleAstronautStillHasOneFace() throws FaceAttrException {
        RgbImage rgb = TestInputs.astronaut();
        byte[] px = rgb.pixels();
        byte[] grey = new byte[px.length];
        for (int i = 0; i < px.length; i += 3) {
            long v = Math.round(0.299 * (px[i] & 0xff) + 0.587 * (px[i + 1] & 0xff) + 0.114 * (px[i + 2] & 0xff));
            grey[i] = (byte) v;
            grey[i + 1] = (byte) v;
            grey[i + 2] = (byte) v;
        }
        List<DetectedFace> faces = detect(new RgbImage(rgb.width(), rgb.height(), grey), "grey astronaut");
        // The face is found, first and alone among the confident detections. (At the default 0.7
        // threshold the grey picture also yields a weak 0.74 detection on the suit's neck ring.)
        assertTrue(!faces.isEmpty(), "no face in the grey astronaut");
        assertEquals(1, faces.stream().filter(f -> f.score() > 0.9).count(), faces.toString());
        assertUprightFace(faces.get(0), "grey astronaut");
        assertLandmarksNear(faces.get(0), 0, 0, 1, 0, 0, "grey astronaut");
        Box b = faces.get(0).box();
        assertTrue(Math.abs(cx(b) - CENTRE_X) < 15 && Math.abs(cy(b) - CENTRE_Y) < 15, "box centre of " + b);
    }

    @Test
    void tinyImageHasNoFaceAndNoError() {
        assertTrue(detect(filled(10, 8, 200), "10x8").isEmpty());
        assertTrue(detect(filled(1, 1, 0), "1x1").isEmpty());
        assertTrue(detect(filled(12, 12, 90), "12x12").isEmpty());
    }

    @Test
    void severalImagesAtOnceGiveExactlyTheOneByOneResults() throws FaceAttrException {
        // R-Net and O-Net batches then mix candidates of different images and pyramids.
        RgbImage astronaut = TestInputs.astronaut();
        RgbImage small = crop(astronaut, CROP_X, CROP_Y, CROP_W, CROP_H);
        RgbImage grey = filled(300, 200, 128);
        RgbImage wide = filled(900, 400, 60);
        paste(wide, small, 500, 100);
        List<RgbImage> images = List.of(astronaut, grey, small, wide, astronaut);
        List<List<DetectedFace>> together = detector.detectAll(images, faceattr.core.Progress.NONE);
        assertEquals(images.size(), together.size());
        int faces = 0;
        for (int i = 0; i < images.size(); i++) {
            List<DetectedFace> alone = detector.detect(images.get(i));
            assertEquals(alone.size(), together.get(i).size(), "image " + i);
            for (int k = 0; k < alone.size(); k++) {
                // Equal here; a tolerance in case another CPU's kernels round batches differently.
                Box a = alone.get(k).box();
                Box b = together.get(i).get(k).box();
                assertEquals(a.x(), b.x(), 1e-3);
                assertEquals(a.y(), b.y(), 1e-3);
                assertEquals(a.width(), b.width(), 1e-3);
                assertEquals(alone.get(k).score(), together.get(i).get(k).score(), 1e-5);
            }
            faces += together.get(i).size();
        }
        assertTrue(faces >= 4, "faces found: " + together);
        assertTrue(together.get(1).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(InferenceEngine.class)
    void pnetInStripsGivesTheSameFacesAsOneCallPerLevel(InferenceEngine engine) throws FaceAttrException {
        RgbImage face = crop(TestInputs.astronaut(), CROP_X, CROP_Y, CROP_W, CROP_H);
        RgbImage canvas = filled(1280, 720, 100);
        paste(canvas, face, 100, 80);
        paste(canvas, ImageOps.resize(face, 64, 80), 900, 500);
        List<DetectedFace> whole;
        String wholeCandidates;
        try (RfemtcDetector one = RfemtcDetector.create(DetectorSettings.DEFAULT, Integer.MAX_VALUE, engine)) {
            Detections d = one.detectTimed(List.of(canvas), faceattr.core.Progress.NONE);
            whole = d.faces().get(0);
            wholeCandidates = candidates(d.times());
        }
        // 4000 outputs: 16-row strips (the minimum) on the large levels, many per level.
        try (RfemtcDetector strips = RfemtcDetector.create(DetectorSettings.DEFAULT, 4000, engine)) {
            Detections d = strips.detectTimed(List.of(canvas), faceattr.core.Progress.NONE);
            List<DetectedFace> cut = d.faces().get(0);
            assertEquals(wholeCandidates, candidates(d.times()));
            assertEquals(whole.size(), cut.size(), whole + " vs " + cut);
            assertTrue(whole.size() >= 2, whole.toString());
            for (int k = 0; k < whole.size(); k++) {
                Box a = whole.get(k).box();
                Box b = cut.get(k).box();
                assertEquals(a.x(), b.x(), 1e-3);
                assertEquals(a.y(), b.y(), 1e-3);
                assertEquals(a.width(), b.width(), 1e-3);
                assertEquals(a.height(), b.height(), 1e-3);
                assertEquals(whole.get(k).score(), cut.get(k).score(), 1e-5);
            }
        }
    }

    @Test
    void repeatedDetectionLeavesNothingInTheDetectorsManager() throws FaceAttrException {
        // An op on a parameter leaves its result in the network's manager; a few such arrays per
        // call grew without bound over a folder of images (27 per call on this image).
        RgbImage astronaut = TestInputs.astronaut();
        for (boolean rfe : new boolean[] {false, true}) {
            try (RfemtcDetector d = RfemtcDetector.create(DetectorSettings.builder().optRfe(rfe).build())) {
                d.detect(astronaut);
                int before = d.liveArrays();
                for (int i = 0; i < 3; i++) {
                    assertEquals(1, d.detect(astronaut).size());
                }
                assertEquals(before, d.liveArrays(), "rfe " + rfe);
            }
        }
    }

    private static String candidates(StageTimes t) {
        String r = t.report();
        return r.substring(r.indexOf("candidates="));
    }

    @Test
    void threePastedFacesAtThreeScales() throws FaceAttrException {
        RgbImage face = crop(TestInputs.astronaut(), CROP_X, CROP_Y, CROP_W, CROP_H);
        RgbImage canvas = filled(1920, 1280, 128);
        double[] scales = {1.0, 1.6, 0.6};
        int[][] at = {{200, 150}, {900, 500}, {1600, 900}};
        for (int i = 0; i < 3; i++) {
            RgbImage scaled = ImageOps.resize(face, (int) Math.round(CROP_W * scales[i]),
                    (int) Math.round(CROP_H * scales[i]));
            paste(canvas, scaled, at[i][0], at[i][1]);
        }
        List<DetectedFace> faces = detect(canvas, "canvas 1920x1280");
        assertEquals(3, faces.size(), faces.toString());
        List<DetectedFace> left = new ArrayList<>(faces);
        for (int i = 0; i < 3; i++) {
            double s = scales[i];
            double ex = (CENTRE_X - CROP_X) * s + at[i][0];
            double ey = (CENTRE_Y - CROP_Y) * s + at[i][1];
            DetectedFace best = null;
            for (DetectedFace f : left) {
                if (best == null || Math.hypot(cx(f.box()) - ex, cy(f.box()) - ey)
                        < Math.hypot(cx(best.box()) - ex, cy(best.box()) - ey)) {
                    best = f;
                }
            }
            left.remove(best);
            String what = "face pasted at " + Arrays.toString(at[i]) + " x" + s;
            Box b = best.box();
            assertTrue(Math.hypot(cx(b) - ex, cy(b) - ey) < 15 * s, what + ": box " + b + " not centred on ("
                    + ex + ", " + ey + ")");
            assertTrue(b.width() > 0.8 * FACE_WIDTH * s && b.width() < 1.5 * FACE_WIDTH * s, what + ": width of "
                    + b);
            assertUprightFace(best, what);
            assertLandmarksNear(best, CROP_X, CROP_Y, s, at[i][0], at[i][1], what);
        }
    }

    @Test
    void hugeImageIsSearchedDownscaledAndReportedInOriginalPixels() throws FaceAttrException {
        RgbImage astronaut = TestInputs.astronaut();
        List<DetectedFace> small = detector.detect(astronaut);
        assertEquals(1, small.size());
        // The top 512 x 384 of the portrait (the whole head) blown up 23.4375 times to 12000 x 9000.
        double s = 12000 / 512.0;
        RgbImage huge = ImageOps.resize(crop(astronaut, 0, 0, 512, 384), 12000, 9000);
        List<DetectedFace> faces = detect(huge, "12000x9000");
        assertTrue(detector.settings().maxSide() < 12000, "the default must downscale this image");
        assertEquals(1, faces.size(), faces.toString());
        DetectedFace f = faces.get(0);
        Box e = small.get(0).box().scaled(s);
        Box b = f.box();
        double tol = 0.05 * e.width();
        assertTrue(Math.abs(b.x() - e.x()) < tol && Math.abs(b.y() - e.y()) < tol
                && Math.abs(b.width() - e.width()) < tol && Math.abs(b.height() - e.height()) < tol,
                "box " + b + " is not within 5% of the scaled 512-pixel detection " + e);
        assertUprightFace(f, "12000x9000");
        assertLandmarksNear(f, 0, 0, s, 0, 0, "12000x9000");
    }
}

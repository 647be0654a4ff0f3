package faceattr.ij;

import faceattr.analysis.PlaneFaces;
import faceattr.analysis.ImageFaces;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.analysis.FaceAnalyzer;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.DetectorSettings;
import faceattr.detect.FaceDetector;
import faceattr.detect.Landmarks;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of the plugin that need neither a detector nor a display. */
class DetectFacesPluginTest {

    private static ImagePlus hyperstack(int c, int z, int t) {
        ImageStack s = new ImageStack(4, 4);
        for (int i = 0; i < c * z * t; i++) {
            s.addSlice(new ByteProcessor(4, 4));
        }
        ImagePlus imp = new ImagePlus("h", s);
        imp.setDimensions(c, z, t);
        return imp;
    }

    @Test
    void macroKeysAreTheContractOnes() {
        assertEquals("min_face", DetectFacesPlugin.KEY_MIN_FACE);
        assertEquals("threshold", DetectFacesPlugin.KEY_THRESHOLD);
        assertEquals("add", DetectFacesPlugin.KEY_ADD);
        assertEquals("slices", DetectFacesPlugin.KEY_SLICES);
    }

    @Test
    void defaultsAreTheDetectorDefaults() {
        DetectFacesPlugin.Options d = DetectFacesPlugin.Options.DEFAULT;
        assertEquals(20, d.minFace());
        assertEquals(0.7, d.threshold());
        DetectorSettings s = d.settings();
        assertEquals(20, s.minFace());
        assertEquals(0.7, s.onetThreshold());
        DetectFacesPlugin.Options tooSmall = new DetectFacesPlugin.Options(5, 0.7, false, true);
        assertThrows(IllegalArgumentException.class, tooSmall::settings);
    }

    @Test
    void allPlanesRunZFastestOverT() {
        ImagePlus imp = hyperstack(2, 2, 3);
        List<int[]> p = DetectFacesPlugin.positions(imp, true);
        assertEquals(6, p.size());
        assertEquals(List.of(1, 1), List.of(p.get(0)[0], p.get(0)[1]));
        assertEquals(List.of(2, 1), List.of(p.get(1)[0], p.get(1)[1]));
        assertEquals(List.of(1, 2), List.of(p.get(2)[0], p.get(2)[1]));
        imp.setPosition(2, 2, 3);
        List<int[]> current = DetectFacesPlugin.positions(imp, false);
        assertEquals(1, current.size());
        assertEquals(List.of(2, 3), List.of(current.get(0)[0], current.get(0)[1]));
    }

    @Test
    void imageFacesTakeTheirLayoutFromTheImage() {
        List<PlaneFaces> none = List.<PlaneFaces>of();
        ImageFaces multiChannel = ImagePlusConverter.faces(hyperstack(2, 3, 1), none);
        assertEquals(3, multiChannel.planeCount());
        assertTrue(multiChannel.hyperstack());
        ImageFaces zt = ImagePlusConverter.faces(hyperstack(1, 2, 2), none);
        assertTrue(zt.hyperstack());
        ImageFaces plain = ImagePlusConverter.faces(hyperstack(1, 4, 1), none);
        assertEquals(4, plain.planeCount());
        assertEquals(false, plain.hyperstack());
        assertEquals(false, ImagePlusConverter.faces(hyperstack(1, 1, 1), none).isStack());
        assertEquals(5, PlaneFaces.planeNumber(1, 3, 2));
    }

    /** A stub detector: one face whose x is the plane's first pixel value; counts its calls. */
    private static final class StubDetector implements FaceDetector {
        int calls;
        boolean closed;

        @Override
        public List<DetectedFace> detect(RgbImage image, Progress progress) {
            calls++;
            double x = image.pixels()[0] & 0xff;
            return List.of(new DetectedFace(new Box(x, 0, 2, 2), 0.9, new Landmarks(new double[10])));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Detect Faces' computation with an analyzer around test doubles. */
    private static DetectFacesPlugin.Result detect(ImagePlus imp, FaceDetector d,
            faceattr.estimate.AttributeEstimator e, boolean all, Progress progress) throws FaceAttrException {
        FaceAnalyzer.Builder b = FaceAnalyzer.builder().optDetector(d).optAttributes(false);
        if (e != null) {
            b.optEstimator(e);
        }
        try (FaceAnalyzer a = b.build()) {
            return DetectFacesPlugin.detect(imp, a, all, progress);
        }
    }

    private static ImagePlus numberedStack(int n) {
        ImageStack s = new ImageStack(4, 4);
        for (int i = 1; i <= n; i++) {
            ByteProcessor bp = new ByteProcessor(4, 4);
            bp.set(0, 10 * i);
            s.addSlice(bp);
        }
        return new ImagePlus("numbered", s);
    }

    @Test
    void detectSearchesEveryPlaneInOrder() throws FaceAttrException {
        StubDetector d = new StubDetector();
        DetectFacesPlugin.Result r;
        try (FaceAnalyzer a = FaceAnalyzer.builder().optDetector(d).optAttributes(false).build()) {
            r = DetectFacesPlugin.detect(numberedStack(3), a, true, Progress.NONE);
            assertFalse(d.closed); // the analyzer owns it
        }
        assertTrue(d.closed);
        assertFalse(r.cancelled());
        assertEquals(3, d.calls);
        assertEquals(List.of(1, 2, 3), r.faces().planes().stream().map(PlaneFaces::plane).toList());
        assertEquals(30, r.faces().planes().get(2).faces().get(0).box().x());
        assertTrue(r.faces().isStack());
    }

    @Test
    void analyzeEstimatesEveryPlaneAndPublishesAttributes() throws Exception {
        DetectFacesPlugin.Result r = detect(numberedStack(3), new StubDetector(), new faceattr.estimate.PixelAgeEstimator(), true,
                Progress.NONE);
        assertEquals(3, r.faces().planes().size());
        for (int i = 0; i < 3; i++) {
            PlaneFaces p = r.faces().planes().get(i);
            assertTrue(p.analysed());
            assertEquals(10.0 * (i + 1), p.attributes().get(0).ageMean(), 1e-9);
        }
        ij.measure.ResultsTable rt = FaceTable.toTable(r.faces());
        assertEquals(30.0, rt.getValue("age", 2), 1e-9);
        assertEquals("female", rt.getStringValue("gender", 0));
        assertEquals("happiness", rt.getStringValue("emotion", 1));
        assertEquals(0.75, rt.getValue("gender_p", 0), 1e-9);
        assertTrue(FaceTable.isFaceTable(rt));
        List<ij.gui.Roi> rois = FaceRois.toRois(r.faces());
        assertEquals("20.0", rois.get(1).getProperty("age"));
        assertEquals("female", rois.get(1).getProperty("gender"));
        assertEquals(null, rois.get(1).getProperty("race"));
        long labels = FaceOverlay.toRois(r.faces()).stream().filter(x -> x instanceof ij.gui.TextRoi).count();
        assertEquals(3, labels);
    }

    @Test
    void detectCurrentPlaneOnly() throws FaceAttrException {
        ImagePlus imp = numberedStack(3);
        imp.setSlice(2);
        DetectFacesPlugin.Result r = detect(imp, new StubDetector(), null, false, Progress.NONE);
        assertEquals(1, r.faces().planes().size());
        assertEquals(2, r.faces().planes().get(0).plane());
        assertEquals(20, r.faces().planes().get(0).faces().get(0).box().x());
        assertEquals(1, r.planesRequested());
    }

    @Test
    void cancellingKeepsThePlanesFinished() throws FaceAttrException {
        StubDetector d = new StubDetector();
        Progress cancelAfterTwo = new Progress() {
            @Override
            public void report(double fraction, String message) {
            }

            @Override
            public boolean isCancelled() {
                return d.calls >= 2;
            }
        };
        DetectFacesPlugin.Result r = detect(numberedStack(5), d, null, true, cancelAfterTwo);
        assertTrue(r.cancelled());
        assertEquals(2, r.faces().planes().size());
        assertEquals(5, r.planesRequested());
        assertEquals(2, r.faces().faceCount());
    }

    @Test
    void summarySaysCancelled() {
        List<DetectedFace> none = List.of();
        List<PlaneFaces> planes = List.of(new PlaneFaces(1, 1, 1, none), new PlaneFaces(2, 2, 1, none));
        ImageFaces two = new ImageFaces("s", 5, false, planes);
        String s = DetectFacesPlugin.summary(new DetectFacesPlugin.Result(two, true, 5), 1.25);
        assertTrue(s.startsWith("cancelled after 2 of 5 slices; 0 faces kept"), s);
        String done = DetectFacesPlugin.summary(new DetectFacesPlugin.Result(two, false, 2), 1.25);
        assertEquals("0 faces in 2 slices (1.3 s)", done);
    }
}

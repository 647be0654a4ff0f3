package faceattr.ij;

import faceattr.analysis.PlaneFaces;
import faceattr.analysis.ImageFaces;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.curate.ReviewFace;
import faceattr.curate.ReviewSession;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.estimate.FaceAttributes;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Task;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A review edit reaches the ROI properties, the Results row and the overlay label at once. */
class ReviewBridgeTest {
    @TempDir
    Path tmp;

    private static FaceAttributes attrs(double age, double[] gender, int emotion) {
        double[] e = new double[7];
        e[emotion] = 0.6;
        e[(emotion + 1) % 7] = 0.4;
        double[] g = new double[9];
        g[LabelSpaces.ageGroupOf(age)] = 1;
        return FaceAttributes.builder().setModel("reference").setAge(age, 5.7).setAgeGroup(g).setGender(gender)
                .setEmotion(e).build();
    }

    @Test
    void editsAreWrittenBackToRoiTableAndOverlay() throws Exception {
        List<DetectedFace> found = List.of(
                new DetectedFace(new Box(10, 10, 30, 30), 0.99, new Landmarks(new double[10])),
                new DetectedFace(new Box(50, 10, 30, 30), 0.95, new Landmarks(new double[10])));
        ImageFaces faces = ImageFaces.single("photo", found, List.of(attrs(31, new double[] {0.2, 0.8}, 1),
                attrs(45, new double[] {0.55, 0.45}, 0)));
        List<Roi> rois = FaceRois.toRois(faces);
        ResultsTable rt = FaceTable.toTable(faces);
        ImagePlus imp = new ImagePlus("photo", new ByteProcessor(100, 60));
        Overlay overlay = new Overlay();
        FaceOverlay.toRois(faces).forEach(overlay::add);
        imp.setOverlay(overlay);

        List<ReviewFace> review = ReviewBridge.faces(rois, "photo");
        assertEquals(2, review.size());
        assertEquals(0.55, review.get(1).confidence().get("gender"), 1e-9);
        assertEquals(5.7, review.get(0).ageStd(), 1e-6);
        ReviewSession s = new ReviewSession(review, tmp.resolve("review.json"));
        ReviewBridge.connect(s, () -> rois, () -> rt, null);
        ReviewBridge.connect(s, List::of, () -> null, imp);
        assertEquals(List.of(1, 0), s.view(ReviewSession.Order.LOWEST_CONFIDENCE, ReviewSession.Filters.all()));

        s.setClass(1, Task.GENDER, 1);
        s.setClass(1, Task.EMOTION, LabelSpaces.EMOTION.indexOf("surprise"));
        Roi r = rois.get(1);
        assertEquals("female", r.getProperty("gender"));
        assertEquals("1.0000", r.getProperty("gender_p"));
        assertEquals("surprise", r.getProperty("emotion"));
        assertEquals("true", r.getProperty("reviewed"));
        assertEquals("female", rt.getStringValue("gender", 1));
        assertEquals("surprise", rt.getStringValue("emotion", 1));
        assertEquals("true", rt.getStringValue("reviewed", 1));
        assertEquals("happiness", rt.getStringValue("emotion", 0), "the other row is untouched");
        assertTrue(FaceTable.isFaceTable(rt), "review columns keep it a face table");
        String label = ((TextRoi) overlay.get(overlay.getIndex("face-2-label"))).getText().trim();
        assertEquals("45 F surprise ✓", label);

        s.undo();
        assertEquals("neutral", rois.get(1).getProperty("emotion"), "undo reaches ImageJ too");
        s.setNotAFace(0, true);
        assertEquals("true", rois.get(0).getProperty("not_a_face"));
        assertEquals("not a face", ((TextRoi) overlay.get(overlay.getIndex("face-1-label"))).getText().trim());
    }

    @Test
    void onStacksTheRowIsFoundBySliceAndFace() throws Exception {
        DetectedFace one = new DetectedFace(new Box(10, 10, 30, 30), 0.99, new Landmarks(new double[10]));
        ImageFaces faces = new ImageFaces("stack", 3, false, List.of(
                new PlaneFaces(1, 1, 1, List.of(one), List.of(attrs(20, new double[] {0.9, 0.1}, 0))),
                new PlaneFaces(3, 3, 1, List.of(one), List.of(attrs(60, new double[] {0.7, 0.3}, 2)))));
        List<Roi> rois = FaceRois.toRois(faces);
        ResultsTable rt = FaceTable.toTable(faces);
        List<ReviewFace> review = ReviewBridge.faces(rois, "stack");
        assertEquals(List.of("s1-face-1", "s3-face-1"), review.stream().map(ReviewFace::roi).toList());
        ReviewSession s = new ReviewSession(review, tmp.resolve("stack.json"));
        ReviewBridge.connect(s, () -> rois, () -> rt, null);
        s.setClass(1, Task.EMOTION, 0);
        assertEquals("neutral", rt.getStringValue("emotion", 1), "slice 3's row");
        assertEquals("neutral", rt.getStringValue("emotion", 0), "slice 1's row kept its own (neutral) value");
        assertEquals(3, (int) rt.getValue("slice", 1));
        assertEquals("true", rt.getStringValue("reviewed", 1));
        assertEquals(null, rois.get(0).getProperty("reviewed"), "slice 1's ROI is not reviewed");
        assertEquals("true", rois.get(1).getProperty("reviewed"));
    }
}

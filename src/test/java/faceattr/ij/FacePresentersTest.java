package faceattr.ij;

import faceattr.analysis.FaceRoiSet;
import faceattr.analysis.PlaneFaces;
import faceattr.analysis.ImageFaces;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;
import ij.process.ByteProcessor;
import java.awt.GraphicsEnvironment;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FaceRois, FaceTable and FaceOverlay against hand-made faces. */
class FacePresentersTest {
    private static final String[] CONTRACT_COLUMNS = ("image,face,x,y,width,height,score,left_eye_x,left_eye_y,"
            + "right_eye_x,right_eye_y,nose_x,nose_y,mouth_left_x,mouth_left_y,mouth_right_x,mouth_right_y").split(",");

    private static DetectedFace face(double x, double y, double size, double score) {
        double[] lm = new double[10];
        for (int i = 0; i < 5; i++) {
            lm[2 * i] = x + size * (0.2 + 0.15 * i);
            lm[2 * i + 1] = y + size * 0.5 + i;
        }
        return new DetectedFace(new Box(x, y, size, size), score, new Landmarks(lm));
    }

    private static final DetectedFace A = face(10.5, 20.25, 40, 0.99);
    private static final DetectedFace B = face(100, 50, 30.125, 0.8);
    private static final DetectedFace C = face(5, 5, 25, 0.75);

    private static ImageFaces single() {
        return ImageFaces.single("img.png", List.of(A, B));
    }

    /** A 3-slice stack: faces A, B on slice 1, none on 2, C on 3. */
    private static ImageFaces stack() {
        return new ImageFaces("stack.tif", 3, false, List.of(new PlaneFaces(1, 1, 1, List.of(A, B)),
                new PlaneFaces(2, 2, 1, List.of()), new PlaneFaces(3, 3, 1, List.of(C))));
    }

    @Test
    void roisOfASingleImage() {
        List<Roi> rois = FaceRois.toRois(single());
        assertEquals(2, rois.size());
        Roi r = rois.get(0);
        assertEquals("face-1", r.getName());
        assertEquals("face-2", rois.get(1).getName());
        assertEquals(Roi.RECTANGLE, r.getType());
        Rectangle2D.Double bounds = r.getFloatBounds();
        assertEquals(10.5, bounds.x, 1e-9);
        assertEquals(20.25, bounds.y, 1e-9);
        assertEquals(40, bounds.width, 1e-9);
        assertEquals(0, r.getPosition());
        assertFalse(r.hasHyperStackPosition());
        assertEquals("0.99", r.getProperty(FaceRoiSet.SCORE));
        assertEquals("1", r.getProperty("faceattr"));
        assertEquals("img.png", r.getProperty("faceattr_image"));
        String[] lm = r.getProperty(FaceRoiSet.LANDMARKS).split(",");
        assertEquals(10, lm.length);
        assertArrayEquals(A.landmarks().toArray(), FaceRoiSet.parseLandmarks(r.getProperty("landmarks")).toArray(), 1e-4);
        assertEquals(A.landmarks().x(0), Double.parseDouble(lm[0]), 1e-4);
        assertEquals(A.landmarks().y(0), Double.parseDouble(lm[1]), 1e-4);
    }

    @Test
    void roisOfAStackAreNamedAndPositionedPerSlice() {
        List<Roi> rois = FaceRois.toRois(stack());
        assertEquals(List.of("s1-face-1", "s1-face-2", "s3-face-1"), rois.stream().map(Roi::getName).toList());
        assertEquals(1, rois.get(0).getPosition());
        assertEquals(3, rois.get(2).getPosition());
    }

    @Test
    void roisOfAHyperstackGetCztPositionsOnAllChannels() {
        ImageFaces f = new ImageFaces("h.tif", 6, true, List.of(new PlaneFaces(5, 1, 3, List.of(A))));
        Roi r = FaceRois.toRois(f).get(0);
        assertEquals("s5-face-1", r.getName());
        assertTrue(r.hasHyperStackPosition());
        assertEquals(0, r.getCPosition());
        assertEquals(1, r.getZPosition());
        assertEquals(3, r.getTPosition());
    }

    @Test
    void ownRoisAreRecognisedByMarkerAndTitle() {
        Roi own = FaceRois.toRois(single()).get(0);
        Roi foreign = new Roi(1, 2, 3, 4);
        foreign.setName("face-1"); // same name, not ours
        Roi otherImage = FaceRois.toRois(ImageFaces.single("other.png", List.of(A))).get(0);
        assertTrue(FaceRois.isOwn(own, "img.png"));
        assertFalse(FaceRois.isOwn(foreign, "img.png"));
        assertFalse(FaceRois.isOwn(otherImage, "img.png"));
        assertFalse(FaceRois.isOwn(null, "img.png"));
        assertEquals(List.of(foreign, otherImage), FaceRois.withoutOwn(List.of(foreign, own, otherImage), "img.png"));
    }

    @Test
    void rerunWithoutAddKeepsForeignRoisInTheRoiManager() {
        assumeFalse(GraphicsEnvironment.isHeadless(), "RoiManager is an AWT Frame; run under xvfb-run");
        RoiManager rm = new RoiManager(true); // hidden, as in batch mode
        Roi foreign = new Roi(1, 2, 3, 4);
        foreign.setName("mine");
        rm.add((ImagePlus) null, foreign, -1);
        FaceRois.publish(rm, ImageFaces.single("other.png", List.of(C)), false);
        FaceRois.publish(rm, single(), false);
        assertEquals(4, rm.getCount());
        // re-run without add: this image's 2 old ROIs go, 1 new comes
        int removed = FaceRois.publish(rm, ImageFaces.single("img.png", List.of(B)), false);
        assertEquals(2, removed);
        assertEquals(List.of("mine", "face-1", "face-1"), names(rm));
        assertNull(rm.getRoi(0).getProperty("faceattr"));
        assertEquals("other.png", rm.getRoi(1).getProperty("faceattr_image"));
        assertEquals("0.8", rm.getRoi(2).getProperty("score"));
        // with add, earlier ones stay
        FaceRois.publish(rm, single(), true);
        assertEquals(5, rm.getCount());
    }

    private static List<String> names(RoiManager rm) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rm.getCount(); i++) {
            out.add(rm.getName(i));
        }
        return out;
    }

    @Test
    void tableHasExactlyTheContractColumns() {
        ResultsTable rt = FaceTable.toTable(single());
        assertArrayEquals(CONTRACT_COLUMNS, rt.getHeadings());
        assertEquals(CONTRACT_COLUMNS.length, FaceTable.COLUMNS.size());
        assertEquals(String.join(",", CONTRACT_COLUMNS), String.join(",", FaceTable.COLUMNS));
        assertFalse(rt.showRowNumbers());
        assertEquals(2, rt.size());
        assertEquals("img.png", rt.getStringValue("image", 0));
        assertEquals(1, rt.getValue("face", 0));
        assertEquals(2, rt.getValue("face", 1));
        assertEquals(10.5, rt.getValue("x", 0), 1e-9);
        assertEquals(20.25, rt.getValue("y", 0), 1e-9);
        assertEquals(40, rt.getValue("width", 0), 1e-9);
        assertEquals(40, rt.getValue("height", 0), 1e-9);
        assertEquals(0.99, rt.getValue("score", 0), 1e-9);
        assertEquals(A.landmarks().x(0), rt.getValue("left_eye_x", 0), 1e-9);
        assertEquals(A.landmarks().y(4), rt.getValue("mouth_right_y", 0), 1e-9);
        assertEquals(B.box().width(), rt.getValue("width", 1), 1e-9);
    }

    @Test
    void emptyTableStillHasTheColumns() {
        ResultsTable rt = FaceTable.toTable(ImageFaces.single("none.png", List.of()));
        assertEquals(0, rt.size());
        assertArrayEquals(CONTRACT_COLUMNS, rt.getHeadings());
    }

    @Test
    void stackTableAddsSliceAndCountsFacesPerSlice() {
        ResultsTable rt = FaceTable.toTable(stack());
        List<String> expected = new ArrayList<>(Arrays.asList(CONTRACT_COLUMNS));
        expected.add("slice");
        assertEquals(expected, Arrays.asList(rt.getHeadings()));
        assertEquals(3, rt.size());
        assertEquals(1, rt.getValue("slice", 1));
        assertEquals(2, rt.getValue("face", 1));
        assertEquals(3, rt.getValue("slice", 2));
        assertEquals(1, rt.getValue("face", 2));
    }

    @Test
    void mergeReplacesOnlyTheRowsOfTheSameImageUnlessAdd() {
        ResultsTable first = FaceTable.toTable(ImageFaces.single("other.png", List.of(C)));
        ResultsTable second = FaceTable.merge(first, single(), false);
        assertEquals(3, second.size());
        assertEquals(1, first.size()); // not changed
        ResultsTable rerun = FaceTable.merge(second, ImageFaces.single("img.png", List.of(B)), false);
        assertEquals(2, rerun.size());
        assertEquals("other.png", rerun.getStringValue("image", 0));
        assertEquals("img.png", rerun.getStringValue("image", 1));
        assertEquals(B.box().x(), rerun.getValue("x", 1), 1e-9);
        ResultsTable added = FaceTable.merge(rerun, single(), true);
        assertEquals(4, added.size());
        assertFalse(added.showRowNumbers());
    }

    @Test
    void mergeDoesNotMixWithForeignMeasurements() {
        ResultsTable measured = new ResultsTable();
        measured.addRow();
        measured.addValue("Area", 12);
        assertFalse(FaceTable.isFaceTable(measured));
        ResultsTable rt = FaceTable.merge(measured, single(), false);
        assertArrayEquals(CONTRACT_COLUMNS, rt.getHeadings());
        assertEquals(2, rt.size());
    }

    @Test
    void mergingAStackIntoASingleImageTableAddsSlice() {
        ResultsTable rt = FaceTable.merge(FaceTable.toTable(single()), stack(), false);
        assertEquals(5, rt.size());
        assertEquals(1, rt.getValue("slice", 0));
        assertEquals(3, rt.getValue("slice", 4));
        assertEquals("slice", rt.getHeadings()[rt.getHeadings().length - 1]);
    }

    @Test
    void csvHasNoRowNumberColumn() throws Exception {
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("faces", ".csv");
        try {
            FaceTable.toTable(single()).saveAs(csv.toString());
            List<String> lines = java.nio.file.Files.readAllLines(csv);
            assertEquals(String.join(",", CONTRACT_COLUMNS), lines.get(0));
            String[] row = lines.get(1).split(",");
            assertEquals(CONTRACT_COLUMNS.length, row.length);
            assertEquals("img.png", row[0]);
            assertEquals("1", row[1]);
            assertEquals(10.5, Double.parseDouble(row[2]), 1e-3);
            assertEquals(0.99, Double.parseDouble(row[6]), 1e-3);
        } finally {
            java.nio.file.Files.deleteIfExists(csv);
        }
    }

    @Test
    void overlayHasBoxesAndLandmarksAndKeepsForeignElements() {
        ImageStack s = new ImageStack(64, 64);
        for (int i = 0; i < 3; i++) {
            s.addSlice(new ByteProcessor(64, 64));
        }
        ImagePlus imp = new ImagePlus("stack.tif", s);
        Overlay foreign = new Overlay(new Roi(0, 0, 5, 5));
        imp.setOverlay(foreign);
        FaceOverlay.publish(imp, stack(), false);
        Overlay o = imp.getOverlay();
        assertEquals(1 + 2 * 3, o.size());
        Roi box = o.get(1);
        assertEquals("s1-face-1", box.getName());
        assertEquals(1, box.getPosition());
        PointRoi points = (PointRoi) o.get(2);
        assertEquals(5, points.size());
        assertEquals(1, points.getPosition());
        // points use ImageJ's pixel-centre convention: continuous x = point x + 0.5
        assertEquals(A.landmarks().x(0), points.getFloatPolygon().xpoints[0] + 0.5, 1e-4);
        assertEquals(A.landmarks().y(2), points.getFloatPolygon().ypoints[2] + 0.5, 1e-4);
        assertEquals(3, o.get(5).getPosition());
        // re-run without add replaces our elements only
        FaceOverlay.publish(imp, stack(), false);
        assertEquals(7, imp.getOverlay().size());
        assertSame(foreign.get(0), imp.getOverlay().get(0));
        FaceOverlay.publish(imp, stack(), true);
        assertEquals(13, imp.getOverlay().size());
    }

    @Test
    void numbersAreFormattedPlainly() {
        assertEquals("0.1235", FaceRoiSet.number(0.123456));
        assertEquals("12", FaceRoiSet.number(12.0));
        assertEquals("0", FaceRoiSet.number(1e-5));
        assertEquals("0", FaceRoiSet.number(-1e-9));
        assertEquals("-3.5", FaceRoiSet.number(-3.5));
    }
}

package faceattr.ij;

import faceattr.core.Progress;
import faceattr.labels.Task;
import faceattr.reference.ReferenceEstimator;
import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;

/**
 * Run under a display (xvfb-run) by {@link ReviewWindowIT}: analyses the sample photo, opens the
 * review window, drives it with key events, checks the ROI, the Results table and the autosave
 * after each, reopens it to check the restore, and saves a screenshot. Prints REVIEW_OK.
 */
public final class ReviewWindowHarness {
    private ReviewWindowHarness() {
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("REVIEW_FAIL " + what);
            System.exit(1);
        }
    }

    private static void press(ReviewWindow w, int code, int modifiers) throws Exception {
        SwingUtilities.invokeAndWait(() -> w.key(new KeyEvent(w, KeyEvent.KEY_PRESSED, System.currentTimeMillis(),
                modifiers, code, KeyEvent.CHAR_UNDEFINED)));
    }

    public static void main(String[] args) {
        try {
            run(Path.of(args[0]));
            System.out.println("REVIEW_OK");
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.println("REVIEW_FAIL " + t);
            System.exit(1);
        }
    }

    private static void run(Path dir) throws Exception {
        Path photo = dir.resolve("astronaut.png");
        Files.copy(Path.of("sample-data/astronaut.png"), photo);
        ImagePlus imp = IJ.openImage(photo.toString());
        DetectFacesPlugin.Result r;
        try (faceattr.analysis.FaceAnalyzer a = faceattr.analysis.FaceAnalyzer.builder()
                .optEstimator(ReferenceEstimator.create()).build()) {
            r = DetectFacesPlugin.detect(imp, a, true, Progress.NONE);
        }
        RoiManager rm = new RoiManager(true);
        FaceRois.publish(rm, r.faces(), false);
        ResultsTable rt = FaceTable.toTable(r.faces());
        ij.plugin.filter.Analyzer.setResultsTable(rt); // the system table, as Analyze Faces leaves it
        rt.show("Results");
        check(ResultsTable.getResultsTable() != null, "no system Results table");
        ReviewWindow w = ReviewFacesPlugin.open(imp, rm);
        SwingUtilities.invokeAndWait(() -> w.setVisible(true));
        check(w.rows() == 1, "rows " + w.rows());
        Roi roi = rm.getRoisAsArray()[0];
        String gender = roi.getProperty("gender");
        check("female".equals(gender), "estimated gender " + gender);

        press(w, KeyEvent.VK_1, 0); // gender := male (class 1)
        check("male".equals(rm.getRoisAsArray()[0].getProperty("gender")), "ROI gender after key 1");
        check("true".equals(rm.getRoisAsArray()[0].getProperty("reviewed")), "ROI reviewed");
        check("male".equals(ResultsTable.getResultsTable().getStringValue("gender", 0)), "table gender");
        press(w, KeyEvent.VK_DOWN, 0);
        press(w, KeyEvent.VK_DOWN, 0);
        press(w, KeyEvent.VK_DOWN, 0); // gender -> race -> emotion -> age
        check(w.controller().attribute() == Task.AGE, "attribute " + w.controller().attribute());
        press(w, KeyEvent.VK_4, 0);
        press(w, KeyEvent.VK_2, 0);
        press(w, KeyEvent.VK_ENTER, 0);
        check("42.0".equals(rm.getRoisAsArray()[0].getProperty("age")), "age " + rm.getRoisAsArray()[0].getProperty("age"));
        press(w, KeyEvent.VK_Z, KeyEvent.CTRL_DOWN_MASK);
        check(!"42.0".equals(rm.getRoisAsArray()[0].getProperty("age")), "undo age");
        press(w, KeyEvent.VK_Y, KeyEvent.CTRL_DOWN_MASK);
        check("42.0".equals(rm.getRoisAsArray()[0].getProperty("age")), "redo age");
        Path autosave = ReviewFacesPlugin.autosaveFile(imp);
        check(autosave.equals(dir.resolve("astronaut.png" + ReviewFacesPlugin.SUFFIX)), "autosave " + autosave);
        check(Files.readString(autosave).contains("\"age\": 42.0"), "autosave content");
        check(w.statusText().contains("redone"), "status " + w.statusText());

        Thread.sleep(300);
        BufferedImage shot = new BufferedImage(w.getWidth(), w.getHeight(), BufferedImage.TYPE_INT_RGB);
        SwingUtilities.invokeAndWait(() -> w.getRootPane().paint(shot.getGraphics()));
        ImageIO.write(shot, "png", dir.resolve("review-window.png").toFile());
        SwingUtilities.invokeAndWait(w::dispose);

        // Reopening restores the saved review onto fresh ROIs.
        RoiManager fresh = new RoiManager(true);
        FaceRois.publish(fresh, r.faces(), false);
        ReviewWindow again = ReviewFacesPlugin.open(imp, fresh);
        check("male".equals(fresh.getRoisAsArray()[0].getProperty("gender")), "restored gender");
        check("42.0".equals(fresh.getRoisAsArray()[0].getProperty("age")), "restored age");
        SwingUtilities.invokeAndWait(again::dispose);

        // A face drawn by hand (no detection made it) is estimated and reviewable too.
        RoiManager hand = new RoiManager(true);
        Roi drawn = new Roi(165, 45, 115, 145);
        drawn.setName("my face");
        hand.addRoi(drawn);
        ReviewWindow handWindow = ReviewFacesPlugin.open(imp, hand);
        Roi h = hand.getRoisAsArray()[0];
        check(h.getProperty("gender") != null && h.getProperty("landmarks") != null, "hand ROI estimated");
        check(Double.parseDouble(h.getProperty("score")) > 0.5, "the face inside the hand ROI was detected");
        check(handWindow.rows() == 1, "hand ROI reviewable: rows " + handWindow.rows());
        press(handWindow, KeyEvent.VK_ENTER, 0);
        check("true".equals(hand.getRoisAsArray()[0].getProperty("reviewed")), "hand ROI reviewed");
        SwingUtilities.invokeAndWait(handWindow::dispose);
        curationLoop(dir, imp, fresh);
        detectorLoop(dir, imp);
    }

    private static Roi named(RoiManager rm, String name) {
        for (Roi r : rm.getRoisAsArray()) {
            if (name.equals(r.getName())) {
                return r;
            }
        }
        throw new AssertionError("no ROI " + name);
    }

    /**
     * The detector's loop from the review: a face drawn by hand and accepted, a box drawn where there
     * is no face and marked "not a face" (Delete), exported as a WIDER set (the face a face, the box a
     * hard negative), a short detector fine-tuning on it, and detection with the result.
     */
    private static void detectorLoop(Path dir, ImagePlus imp) throws Exception {
        RoiManager rm = new RoiManager(true);
        Roi face = new Roi(165, 45, 115, 145);
        face.setName("drawn face");
        rm.addRoi(face);
        Roi wall = new Roi(20, 380, 100, 100);
        wall.setName("drawn not a face");
        rm.addRoi(wall);
        ReviewWindow w = ReviewFacesPlugin.open(imp, rm);
        check(w.rows() == 2, "both hand ROIs reviewable: rows " + w.rows());
        press(w, KeyEvent.VK_DELETE, 0);
        if (!"true".equals(named(rm, "drawn not a face").getProperty("not_a_face"))) {
            press(w, KeyEvent.VK_Z, java.awt.event.InputEvent.CTRL_DOWN_MASK); // the face was selected: undo, next
            press(w, KeyEvent.VK_TAB, 0);
            press(w, KeyEvent.VK_DELETE, 0);
        }
        check("true".equals(named(rm, "drawn not a face").getProperty("not_a_face")), "box marked not a face");
        check(!"true".equals(named(rm, "drawn face").getProperty("not_a_face")), "the face is still a face");
        press(w, KeyEvent.VK_TAB, 0);
        press(w, KeyEvent.VK_ENTER, 0);
        if (!"true".equals(named(rm, "drawn face").getProperty("reviewed"))) {
            press(w, KeyEvent.VK_TAB, 0);
            press(w, KeyEvent.VK_ENTER, 0);
        }
        check("true".equals(named(rm, "drawn face").getProperty("reviewed")), "hand face accepted");
        SwingUtilities.invokeAndWait(w::dispose);

        java.util.List<faceattr.curate.ExportFace> faces = ExportFacesPlugin.faces(imp,
                java.util.Arrays.asList(rm.getRoisAsArray()), dir.resolve("astronaut.png"));
        Path set = dir.resolve("wider");
        faceattr.curate.DetectionExporter.Result exported = faceattr.curate.DetectionExporter.export(faces, set, true,
                false, Progress.NONE);
        check(exported.report().used() == 1 && exported.hardNegatives() == 1, "wider export " + exported.summary());
        faceattr.data.detection.DetectionSet loaded = faceattr.data.detection.DetectionKind.WIDER.load(set, 12);
        check(loaded.samples().get(0).hardNegatives().size() == 1, "the hard negative came back");

        Path detector = dir.resolve("detector");
        faceattr.detect.train.DetectorTrainer.Options o = new faceattr.detect.train.DetectorTrainer.Options(
                java.util.List.of("pnet"), 1, 8, 1e-3, false, 3, 12);
        new faceattr.detect.train.DetectorTrainer(o).run(loaded, detector, false, Progress.NONE, l -> { }, -1);
        String card = java.nio.file.Files.readString(detector.resolve("detector.json"));
        check(card.contains("\"hard_negatives\": 1"), "the card counts the hard negative: " + card);
        DetectFacesPlugin.Result found;
        try (faceattr.analysis.FaceAnalyzer a = faceattr.analysis.FaceAnalyzer.builder().optDetectorSettings(
                faceattr.detect.DetectorSettings.builder().optDetector(detector).build()).optAttributes(false).build()) {
            found = DetectFacesPlugin.detect(imp, a, true, Progress.NONE);
        }
        check(found.faces().faceCount() == 1, "the fine-tuned detector finds the face: " + found.faces().faceCount());
    }

    /**
     * The rest of the loop on the reviewed face: export, train briefly on the export (fine-tuning
     * a model trained from scratch first), install, analyze again with the installed model, and
     * check that the card's training data and the new model's output are consistent.
     */
    private static void curationLoop(Path dir, ImagePlus imp, RoiManager rm) throws Exception {
        java.util.List<faceattr.curate.ExportFace> faces = ExportFacesPlugin.faces(imp,
                java.util.Arrays.asList(rm.getRoisAsArray()), dir.resolve("astronaut.png"));
        check(faces.size() == 1 && faces.get(0).reviewed(), "export faces " + faces);
        // Six copies of the reviewed face, so that a batch (BatchNorm needs two) and a split exist.
        java.util.List<faceattr.curate.ExportFace> many = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            many.add(faces.get(0));
        }
        Path dataset = dir.resolve("dataset");
        faceattr.data.LoadReport exported = faceattr.curate.DatasetExporter.export(many,
                faceattr.data.DatasetKind.FACEATTR, dataset, new faceattr.curate.DatasetExporter.Options(true, false, 0),
                Progress.NONE);
        check(exported.used() == 6, "exported " + exported.summary());
        faceattr.data.Loaded back = faceattr.data.DatasetKind.FACEATTR.load(dataset);
        check(back.samples().get(0).labels().index(faceattr.labels.Target.GENDER) == 0,
                "exported gender is the reviewed one (male)");
        check(back.samples().get(0).labels().get(faceattr.labels.Target.AGE) == 42.0,
                "exported age is the reviewed one");

        faceattr.train.TrainOptions o = faceattr.train.TrainOptions.builder().setName("curated").optEpochs(1)
                .optBatch(4).optWarmupEpochs(0).optAugment(faceattr.train.Augmenter.Options.NONE).optPatience(0)
                .optSeed(1).optBnMomentum(0.1).build();
        Path model = dir.resolve("curated");
        faceattr.train.TrainingRun.run(java.util.List.of("faceattr:" + dataset), o,
                faceattr.data.Splits.Options.DEFAULT, model, false, Progress.NONE, l -> { });
        faceattr.model.io.ModelStore store = new faceattr.model.io.ModelStore(dir.resolve("store"));
        faceattr.model.io.ModelStore.Installed installed = store.install(model, null, false);
        String card = java.nio.file.Files.readString(installed.dir().resolve("model.json"));
        check(card.contains("\"faceattr/train\"") && card.contains("\"faceattr/val\""), "card data " + card);
        int trainN = Integer.parseInt(card.replaceAll("(?s).*\"faceattr/train\": (\\d+).*", "$1"));
        int valN = Integer.parseInt(card.replaceAll("(?s).*\"faceattr/val\": (\\d+).*", "$1"));
        check(trainN + valN == exported.used(), "the card counts the exported faces: " + trainN + "+" + valN);
        DetectFacesPlugin.Result again;
        try (faceattr.analysis.FaceAnalyzer a = faceattr.analysis.FaceAnalyzer.builder().optModelStore(store)
                .build()) {
            check("curated".equals(a.modelName()), "the installed model is the default: " + a.modelName());
            again = DetectFacesPlugin.detect(imp, a, true, Progress.NONE);
        }
        faceattr.estimate.FaceAttributes a = again.faces().planes().get(0).attributes().get(0);
        check("curated".equals(a.modelName()) && a.has(Task.RACE), "analyzed with the new model: " + a.modelName());
    }
}

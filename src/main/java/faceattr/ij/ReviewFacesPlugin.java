package faceattr.ij;

import faceattr.analysis.FaceRoiSet;
import faceattr.align.FaceAligner;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.curate.ReviewFace;
import faceattr.curate.ReviewSession;
import faceattr.analysis.FaceAnalyzer;
import faceattr.analysis.ImageResult;
import faceattr.core.Progress;
import faceattr.detect.Landmarks;
import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;
import ij.io.FileInfo;
import ij.measure.ResultsTable;
import ij.plugin.PlugIn;
import ij.plugin.frame.RoiManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plugins &gt; Face Attributes &gt; Review Face Labels: opens the review window for the current
 * image's analysed faces (their ROIs in the ROI Manager). The review is saved after every edit
 * to {@code <image file>.faceattr-review.json} beside the image (or {@code ~/.faceattr/review/}
 * for an unsaved image), and reopening the image and the command restores it. Interactive only.
 */
public final class ReviewFacesPlugin implements PlugIn {
    /** The menu command. */
    public static final String COMMAND = "Review Face Labels";
    /** Suffix of the autosave file next to the image. */
    public static final String SUFFIX = ".faceattr-review.json";

    @Override
    public void run(String arg) {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null) {
            IJ.noImage();
            return;
        }
        RoiManager rm = DetectFacesPlugin.roiManager();
        if (rm == null) {
            DetectFacesPlugin.error(COMMAND, "the review needs the ROI Manager (a display)");
            return;
        }
        try {
            ReviewWindow w = open(imp, rm);
            if (w != null) {
                w.setVisible(true);
            }
        } catch (FaceAttrException e) {
            DetectFacesPlugin.error(COMMAND, e.getMessage());
        }
    }

    /**
     * Builds the session (restoring a saved review) and its window, not yet shown.
     *
     * @param imp the image
     * @param rm the ROI Manager holding its face ROIs
     * @return the window, or null when the image has no analysed faces (the user is told)
     * @throws FaceAttrException when a saved review exists but cannot be read
     */
    public static ReviewWindow open(ImagePlus imp, RoiManager rm) throws FaceAttrException {
        String title = imp.getTitle();
        List<Roi> rois = Arrays.asList(rm.getRoisAsArray());
        int added = estimateHandDrawn(imp, rois, AnalyzeFacesPlugin.store());
        if (added > 0) {
            IJ.log(COMMAND + ": estimated " + added + " face(s) drawn by hand in the ROI Manager");
        }
        List<ReviewFace> faces = ReviewBridge.faces(rois, title);
        if (faces.isEmpty()) {
            DetectFacesPlugin.error(COMMAND, "'" + title + "' has no analysed faces in the ROI Manager: run Analyze "
                    + "Faces first");
            return null;
        }
        Path file = autosaveFile(imp);
        List<ReviewFace> carried = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            List<ReviewFace> saved = new ArrayList<>(ReviewSession.load(file));
            List<ReviewFace> merged = new ArrayList<>();
            for (ReviewFace f : faces) {
                // The same name and the same landmarks: after a new analysis, "face-3" may be another face.
                ReviewFace s = saved.stream().filter(f::sameFace).findFirst().orElse(null);
                merged.add(s != null ? s : f);
                saved.remove(s);
            }
            carried.addAll(saved); // not shown now (other slices, faces gone): kept in the file
            faces = merged;
            ResultsTable rt = ResultsTable.getResultsTable();
            for (ReviewFace f : faces) {
                ReviewBridge.writeBack(f, rois, rt, imp);
            }
            IJ.log(COMMAND + ": restored the review saved in " + file);
        }
        ReviewSession session = new ReviewSession(faces, carried, file);
        ReviewBridge.connect(session, () -> Arrays.asList(rm.getRoisAsArray()), ResultsTable::getResultsTable, imp);
        return new ReviewWindow(title, session, ReviewWindow.images(thumbnails(imp, rois, title)));
    }

    /**
     * Makes area ROIs drawn by hand on the image (not made by this plugin) reviewable faces: finds
     * the face inside each (detection in the ROI's box, enlarged by half, the best face kept; if
     * none, the alignment template placed in the box), estimates its attributes with the default
     * model, and writes them as the ROI's properties, marked as this plugin's.
     *
     * @param imp the image
     * @param rois the ROI Manager's ROIs
     * @param store the installed models (the default model estimates)
     * @return how many ROIs became faces
     * @throws FaceAttrException when the detector or the estimator cannot be loaded
     */
    static int estimateHandDrawn(ImagePlus imp, List<Roi> rois, faceattr.model.io.ModelStore store)
            throws FaceAttrException {
        List<Roi> hand = new ArrayList<>();
        for (Roi r : rois) {
            // ImageJ's image IDs are negative; 0 means a ROI not tied to an image (e.g. from a file)
            if (r.isArea() && r.getProperty(FaceRoiSet.MARKER) == null && r.getBounds().width >= 12
                    && r.getBounds().height >= 12 && (r.getImageID() == 0 || r.getImageID() == imp.getID())) {
                hand.add(r);
            }
        }
        if (hand.isEmpty()) {
            return 0;
        }
        try (FaceAnalyzer analyzer = FaceAnalyzer.builder().optModelStore(store).build()) {
            for (Roi r : hand) {
                // the ROI's own plane on stacks, else the one on display
                int z = r.getZPosition() > 0 ? r.getZPosition() : r.getPosition() > 0 ? r.getPosition() : imp.getZ();
                int t = r.getTPosition() > 0 ? r.getTPosition() : imp.getT();
                RgbImage rgb = ImagePlusConverter.convert(imp, Math.min(z, imp.getNSlices()),
                        Math.min(t, imp.getNFrames()));
                java.awt.Rectangle b = r.getBounds();
                ImageResult found = analyzer.analyzeRegions(imp.getTitle(), rgb,
                        List.of(new faceattr.detect.Box(b.x, b.y, b.width, b.height)), Progress.NONE);
                if (found.isFailed()) {
                    throw new FaceAttrException(found.failure());
                }
                FaceRois.setFaceProperties(r, found.faces().get(0), found.attributes().get(0));
                FaceRois.mark(r, imp.getTitle());
            }
        }
        return hand.size();
    }

    /** @return the review file of an image: beside its file, or in ~/.faceattr/review for an unsaved one */
    static Path autosaveFile(ImagePlus imp) {
        FileInfo fi = imp.getOriginalFileInfo();
        if (fi != null && fi.directory != null && !fi.directory.isEmpty() && fi.fileName != null) {
            return Path.of(fi.directory, fi.fileName + SUFFIX);
        }
        return Path.of(System.getProperty("user.home"), ".faceattr", "review",
                imp.getTitle().replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX);
    }

    private static Map<String, RgbImage> thumbnails(ImagePlus imp, List<Roi> rois, String title) {
        Map<String, RgbImage> out = new LinkedHashMap<>();
        Map<Long, RgbImage> planes = new LinkedHashMap<>(); // each plane converted once
        for (Roi r : rois) {
            String lm = r.getProperty(FaceRoiSet.LANDMARKS);
            if (!FaceRois.isOwn(r, title) || lm == null) {
                continue;
            }
            int pos = Math.max(1, r.getPosition() > 0 ? r.getPosition() : r.getZPosition());
            int z = Math.min(imp.getNSlices(), Math.max(1, r.getZPosition() > 0 ? r.getZPosition() : pos));
            int t = Math.max(1, r.getTPosition());
            try {
                Landmarks l = FaceRoiSet.parseLandmarks(lm);
                int tt = Math.min(t, imp.getNFrames());
                RgbImage plane = planes.computeIfAbsent((long) z * 100_000 + tt,
                        k -> ImagePlusConverter.convert(imp, z, tt));
                out.put(r.getName(), FaceAligner.align(plane, l, 72).crop());
            } catch (RuntimeException e) {
                // a face without usable landmarks gets no thumbnail; it is still reviewable
            }
        }
        return out;
    }
}

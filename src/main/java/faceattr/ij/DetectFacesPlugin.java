package faceattr.ij;

import faceattr.engine.InferenceEngine;
import faceattr.analysis.PlaneFaces;
import faceattr.analysis.ImageFaces;
import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.analysis.FaceAnalyzer;
import faceattr.analysis.ImageResult;
import faceattr.detect.DetectorSettings;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import ij.plugin.PlugIn;
import ij.plugin.filter.Analyzer;
import ij.plugin.frame.RoiManager;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plugins &gt; Face Attributes &gt; Detect Faces: finds the faces of the current image and publishes
 * them to the ROI Manager ({@link FaceRois}), the Results table ({@link FaceTable}) and the image
 * overlay ({@link FaceOverlay}).
 *
 * <p>Macro keys (public API, docs/contracts.md): {@value #KEY_MIN_FACE} (smallest face side in pixels,
 * default 20), {@value #KEY_THRESHOLD} (O-Net face probability, default 0.7), {@value #KEY_ADD} (keep
 * the face ROIs and rows of earlier runs on this image), {@value #KEY_ENGINE} ({@code onnxruntime},
 * the default, or {@code pytorch}; remembered in Prefs) and, on stacks, {@value #KEY_SLICES}
 * ({@value #SLICES_ALL} or {@value #SLICES_CURRENT}, default all). Example:
 * {@code run("Detect Faces", "min_face=20 threshold=0.7 add slices=all");}
 *
 * <p>In a batch-mode macro the ROIs go to the macro's hidden ROI Manager, where
 * {@code roiManager("count")} sees them. Esc stops between pyramid scales and stages; the faces of
 * the planes finished before are kept.
 */
public final class DetectFacesPlugin implements PlugIn {
    /** The menu command. */
    public static final String COMMAND = "Detect Faces";
    /** Macro key: smallest face, pixels. */
    public static final String KEY_MIN_FACE = "min_face";
    /** Macro key: O-Net threshold. */
    public static final String KEY_THRESHOLD = "threshold";
    /** Macro key (checkbox): keep the ROIs and rows of earlier runs on this image. */
    public static final String KEY_ADD = "add";
    /** Macro key (stacks only): which planes to search. */
    public static final String KEY_SLICES = "slices";
    /** Macro key: the inference engine, {@code onnxruntime} (default) or {@code pytorch}. */
    public static final String KEY_ENGINE = "engine";
    /** Macro key: where the networks run, {@code auto} (default), {@code cpu}, {@code gpu} or {@code gpu:N}. */
    public static final String KEY_DEVICE = "device";
    /** Macro key: an installed detector's name or a Train Face Detector folder; empty for the pretrained cascade. */
    public static final String KEY_DETECTOR = "detector";
    /** {@value #KEY_SLICES} value: every z/t plane. */
    public static final String SLICES_ALL = "all";
    /** {@value #KEY_SLICES} value: the plane on display. */
    public static final String SLICES_CURRENT = "current";

    private static final String PREFS = "faceattr.detect.";

    /**
     * The options of one run.
     *
     * @param minFace smallest face side, pixels
     * @param threshold O-Net face probability
     * @param add keep earlier results for the image
     * @param allPlanes search every z/t plane rather than the current one
     */
    public record Options(double minFace, double threshold, boolean add, boolean allPlanes) {
        /** The defaults: 20 px, 0.7, replace, all planes. */
        public static final Options DEFAULT = new Options(DetectorSettings.DEFAULT.minFace(),
                DetectorSettings.DEFAULT.onetThreshold(), false, true);

        /**
         * @return the detector settings for these options
         * @throws IllegalArgumentException when a value is out of range (the message names the key)
         */
        public DetectorSettings settings() {
            return DetectorSettings.builder().optMinFace(minFace).optThreshold(threshold).build();
        }
    }

    /**
     * What a run found.
     *
     * @param faces the faces of the planes searched
     * @param cancelled whether Esc stopped the run (then {@code faces} holds the planes finished)
     * @param planesRequested the number of planes that were to be searched
     * @param failures one message per plane that could not be analysed (its faces are absent)
     */
    public record Result(ImageFaces faces, boolean cancelled, int planesRequested, List<String> failures) {
        /** Copies the failures. */
        public Result {
            failures = List.copyOf(failures);
        }

        /** A result without failures. */
        public Result(ImageFaces faces, boolean cancelled, int planesRequested) {
            this(faces, cancelled, planesRequested, List.of());
        }
    }

    @Override
    public void run(String arg) {
        execute(COMMAND, PREFS, null);
    }

    /**
     * The body of Detect Faces and, with a model store, Analyze Faces: dialog (or macro keys),
     * detection (and estimation) of the current image's planes, publication, status line.
     *
     * @param command the command's title
     * @param prefs prefix of the remembered dialog values
     * @param store the installed models for Analyze Faces (adds the model field), or null
     */
    static void execute(String command, String prefs, faceattr.model.io.ModelStore store) {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null) {
            IJ.noImage();
            return;
        }
        Choice choice = showDialog(imp, command, prefs,
                store == null ? null : faceattr.reference.Estimators.defaultChoice(store));
        if (choice == null) {
            return;
        }
        Options options = choice.options();
        DetectorSettings settings;
        try {
            settings = options.settings().toBuilder().optDetector(choice.detector()).build();
        } catch (IllegalArgumentException e) {
            error(command, e.getMessage());
            return;
        }
        IjProgress progress = new IjProgress(command);
        long t0 = System.nanoTime();
        Result result;
        try (FaceAnalyzer analyzer = FaceAnalyzer.builder().optDetectorSettings(settings)
                .optAttributes(store != null).optModel(choice.model()).optModelStore(store)
                .optEngine(choice.engine()).optDevice(choice.device()).build()) {
            if (analyzer.gpu() >= 0 && choice.device().kind() == faceattr.engine.DeviceChoice.Kind.AUTO) {
                IJ.log(command + ": on GPU " + analyzer.gpu() + " (device=cpu for the CPU)");
            }
            result = detect(imp, analyzer, options.allPlanes(), progress);
        } catch (FaceAttrException e) {
            IJ.showProgress(1.0);
            IJ.showStatus("");
            error(command, e.getMessage());
            return;
        }
        // Nothing finished (cancelled, or every plane failed): earlier results stay as they were.
        boolean nothing = result.faces().planes().isEmpty() && (result.cancelled() || !result.failures().isEmpty());
        if (!nothing) {
            present(imp, result.faces(), options.add());
        }
        progress.done(summary(result, (System.nanoTime() - t0) / 1e9));
        if (!result.failures().isEmpty()) {
            error(command, String.join("\n", result.failures()));
        }
    }

    /**
     * Computes: detects the faces of the image's planes with a detection-only analyzer created
     * here and closed before returning. Publishes nothing. Usable from scripts.
     *
     * @param imp the image
     * @param settings the detector settings
     * @param allPlanes every z/t plane, or only the one on display
     * @param progress progress and cancellation; {@link Progress} adapters other than
     *     {@link IjProgress} work too
     * @return the faces; on cancellation, those of the planes finished
     * @throws FaceAttrException when the detector cannot be created (e.g. missing weights)
     */
    public static Result detect(ImagePlus imp, DetectorSettings settings, boolean allPlanes, Progress progress)
            throws FaceAttrException {
        try (FaceAnalyzer analyzer = FaceAnalyzer.builder().optDetectorSettings(settings).optAttributes(false)
                .build()) {
            return detect(imp, analyzer, allPlanes, progress);
        }
    }

    /**
     * Computes with an analyzer the caller owns (and closes), e.g. one analyzer for many images:
     * each plane is one analysis; with an estimating analyzer the faces carry attributes. A plane
     * that fails is named in {@link Result#failures()}; the other planes keep their faces.
     *
     * @param imp the image
     * @param analyzer the analyzer
     * @param allPlanes every z/t plane, or only the one on display
     * @param progress progress and cancellation
     * @return the faces; on cancellation, those of the planes finished
     */
    public static Result detect(ImagePlus imp, FaceAnalyzer analyzer, boolean allPlanes, Progress progress) {
        List<int[]> positions = positions(imp, allPlanes);
        List<PlaneFaces> done = new ArrayList<>(positions.size());
        List<String> failures = new ArrayList<>();
        boolean cancelled = false;
        try {
            for (int i = 0; i < positions.size(); i++) {
                int z = positions.get(i)[0];
                int t = positions.get(i)[1];
                if (progress instanceof IjProgress p) {
                    p.part(i, positions.size());
                }
                progress.checkCancelled();
                int plane = PlaneFaces.planeNumber(z, t, imp.getNSlices());
                String source = positions.size() > 1 || imp.getStackSize() > 1 ? imp.getTitle() + " (slice " + plane
                        + ")" : imp.getTitle();
                ImageResult r = analyzer.analyze(source, ImagePlusConverter.convert(imp, z, t), progress);
                if (r.isFailed()) {
                    failures.add(r.failure());
                    continue;
                }
                done.add(new PlaneFaces(plane, z, t, r.faces(), r.attributes()));
            }
        } catch (CancelledException e) {
            cancelled = true;
        }
        return new Result(ImagePlusConverter.faces(imp, done), cancelled, positions.size(), failures);
    }

    /**
     * Presents: publishes faces to the ROI Manager (when there is a display), the Results table and
     * the image overlay. Unless {@code add}, this plugin's earlier ROIs, rows and overlay elements for
     * the same image title are replaced; nothing else is removed.
     *
     * @param imp the image
     * @param faces its faces
     * @param add keep earlier results for the image
     */
    /** Title of the table that keeps earlier, non-face measurements of the Results table. */
    public static final String KEPT_TABLE = "Results before Detect Faces";

    public static void present(ImagePlus imp, ImageFaces faces, boolean add) {
        RoiManager rm = roiManager();
        if (rm != null) {
            FaceRois.publish(rm, faces, add);
        }
        ResultsTable existing = ResultsTable.getResultsTable();
        if (existing != null && existing.size() > 0 && !FaceTable.isFaceTable(existing)) {
            // Never lose the user's measurements: keep them in a table of their own.
            ((ResultsTable) existing.clone()).show(KEPT_TABLE);
            IJ.log("Detect Faces: the Results table held other measurements; they are now in the table '"
                    + KEPT_TABLE + "'.");
        }
        ResultsTable rt = FaceTable.merge(existing, faces, add);
        // The new table has no row-number column, so that "Save As" writes exactly the face columns.
        Analyzer.setResultsTable(rt);
        rt.show("Results");
        FaceOverlay.publish(imp, faces, add);
    }

    /**
     * The ROI Manager to publish to. In a batch-mode macro {@link RoiManager#getInstance()} returns
     * the macro's hidden manager (ImageJ 1.54 creates it on demand), the one {@code roiManager(...)}
     * macro calls use; a new {@code RoiManager()} there would be a separate, empty list. Otherwise
     * the open manager, or a newly opened one.
     *
     * @return the manager, or null when running headless (no ROI Manager can exist)
     */
    static RoiManager roiManager() {
        if (GraphicsEnvironment.isHeadless()) {
            return null;
        }
        RoiManager rm = RoiManager.getInstance();
        return rm != null ? rm : RoiManager.getRoiManager();
    }

    /** The (z, t) positions to search, z fastest. */
    static List<int[]> positions(ImagePlus imp, boolean allPlanes) {
        List<int[]> out = new ArrayList<>();
        if (!allPlanes) {
            int[] czt = ImagePlusConverter.currentPosition(imp);
            out.add(new int[] {czt[1], czt[2]});
            return out;
        }
        for (int t = 1; t <= imp.getNFrames(); t++) {
            for (int z = 1; z <= imp.getNSlices(); z++) {
                out.add(new int[] {z, t});
            }
        }
        return out;
    }

    /**
     * Shows the dialog; in a macro, reads the macro keys instead (missing keys take the defaults, not
     * the values remembered from interactive use, so that macros are reproducible).
     *
     * @param imp the image (whether it has several planes decides the {@value #KEY_SLICES} choice)
     * @return the options, or null when cancelled or a number was invalid
     */
    static Options showDialog(ImagePlus imp) {
        Choice c = showDialog(imp, COMMAND, PREFS, null);
        return c == null ? null : c.options();
    }

    /**
     * The dialog's answers.
     *
     * @param options detection options
     * @param model the {@value AnalyzeFacesPlugin#KEY_MODEL} value, or null without that field
     * @param engine the inference engine
     * @param device where the networks run
     * @param detector a fine-tuned detector folder, or null for the pretrained cascade
     */
    record Choice(Options options, String model, InferenceEngine engine, faceattr.engine.DeviceChoice device,
            java.nio.file.Path detector) {
    }

    /**
     * The dialog of Detect Faces and, with a model field, of Analyze Faces. Same rules as
     * {@link #showDialog(ImagePlus)}; the model choice is remembered between sessions (IJ Prefs)
     * except in macros.
     *
     * @param imp the image
     * @param title the command
     * @param prefs prefix of the remembered values
     * @param model the default model choice, or null for no model field
     * @return the answers, or null when cancelled or a number was invalid
     */
    static Choice showDialog(ImagePlus imp, String title, String prefs, String model) {
        boolean macro = Macro.getOptions() != null;
        Options d = Options.DEFAULT;
        double minFace = macro ? d.minFace() : Prefs.get(prefs + KEY_MIN_FACE, d.minFace());
        double threshold = macro ? d.threshold() : Prefs.get(prefs + KEY_THRESHOLD, d.threshold());
        boolean add = !macro && Prefs.get(prefs + KEY_ADD, false);
        boolean stack = imp.getNSlices() * imp.getNFrames() > 1;

        GenericDialog gd = new GenericDialog(title);
        // The first word of each label is the macro key.
        gd.addNumericField("Min_face size:", minFace, 0, 6, "pixels");
        gd.addNumericField("Threshold (O-Net face probability):", threshold, 2, 6, "");
        gd.addCheckbox("Add to this image's earlier face ROIs and rows", add);
        if (stack) {
            gd.addChoice("Slices:", new String[] {SLICES_ALL, SLICES_CURRENT}, SLICES_ALL);
        }
        if (model != null) {
            String remembered = macro ? model : Prefs.get(prefs + AnalyzeFacesPlugin.KEY_MODEL, model);
            gd.addStringField("Model (reference, an installed model or a model folder):", remembered, 30);
        }
        String[] engines = {InferenceEngine.ONNXRUNTIME.key(), InferenceEngine.PYTORCH.key()};
        String engine = macro ? InferenceEngine.DEFAULT.key()
                : Prefs.get(prefs + KEY_ENGINE, InferenceEngine.DEFAULT.key());
        gd.addChoice("Engine (inference):", engines, java.util.Arrays.asList(engines).contains(engine) ? engine
                : InferenceEngine.DEFAULT.key());
        String device = macro ? faceattr.engine.DeviceChoice.DEFAULT.key()
                : Prefs.get(prefs + KEY_DEVICE, faceattr.engine.DeviceChoice.DEFAULT.key());
        gd.addStringField("Device (auto, cpu, gpu or gpu:N):", device, 8);
        String detector = macro ? "" : Prefs.get(prefs + KEY_DETECTOR, "");
        gd.addDirectoryField("Detector (empty: the pretrained cascade; an installed detector or a folder):", detector,
                30);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        minFace = gd.getNextNumber();
        threshold = gd.getNextNumber();
        add = gd.getNextBoolean();
        boolean all = !stack || SLICES_ALL.equals(gd.getNextChoice());
        String chosenModel = model == null ? null : gd.getNextString().trim();
        InferenceEngine chosenEngine = InferenceEngine.parse(gd.getNextChoice());
        faceattr.engine.DeviceChoice chosenDevice;
        try {
            chosenDevice = faceattr.engine.DeviceChoice.parse(gd.getNextString());
        } catch (IllegalArgumentException e) {
            error(title, KEY_DEVICE + ": " + e.getMessage());
            return null;
        }
        String chosenDetector = gd.getNextString().trim();
        if (gd.invalidNumber()) {
            error(title, KEY_MIN_FACE + " and " + KEY_THRESHOLD + " must be numbers.");
            return null;
        }
        if (!macro) {
            Prefs.set(prefs + KEY_MIN_FACE, minFace);
            Prefs.set(prefs + KEY_THRESHOLD, threshold);
            Prefs.set(prefs + KEY_ADD, add);
            if (chosenModel != null) {
                Prefs.set(prefs + AnalyzeFacesPlugin.KEY_MODEL, chosenModel);
            }
            Prefs.set(prefs + KEY_ENGINE, chosenEngine.key());
            Prefs.set(prefs + KEY_DEVICE, chosenDevice.key());
            Prefs.set(prefs + KEY_DETECTOR, chosenDetector);
        }
        return new Choice(new Options(minFace, threshold, add, all), chosenModel, chosenEngine, chosenDevice,
                new faceattr.detect.DetectorStore(AnalyzeFacesPlugin.store()).resolve(chosenDetector));
    }

    /**
     * Shows a user-facing error and stops a running macro. With no ImageJ window (ImageJ started with
     * {@code -batch}) the message is printed instead of shown: ImageJ 1.54p's macro-error dialog would
     * wait for a click that never comes.
     *
     * @param message what went wrong and what to do
     */
    static void error(String message) {
        error(COMMAND, message);
    }

    /**
     * As {@link #error(String)} for another command's title.
     *
     * @param command the command
     * @param message what went wrong and what to do
     */
    static void error(String command, String message) {
        if (IJ.getInstance() == null && Interpreter.getInstance() != null) {
            IJ.log(command + ": " + message);
            Interpreter.abort();
        } else {
            IJ.error(command, message);
        }
    }

    /** The status line after a run. */
    static String summary(Result r, double seconds) {
        int n = r.faces().faceCount();
        String faces = n + (n == 1 ? " face" : " faces");
        String time = String.format(Locale.ROOT, "%.1f s", seconds);
        int searched = r.faces().planes().size();
        if (r.cancelled()) {
            return "cancelled after " + searched + " of " + r.planesRequested() + " slices; " + faces + " kept ("
                    + time + ")";
        }
        String where = r.planesRequested() > 1 ? " in " + searched + " slices" : "";
        return faces + where + " (" + time + ")";
    }
}

package faceattr.ij;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.data.detection.DetectionKind;
import faceattr.data.detection.DetectionSet;
import faceattr.detect.train.DetectorTrainer;
import faceattr.engine.Accelerators;
import faceattr.engine.DeviceChoice;
import ij.IJ;
import ij.Macro;
import ij.Prefs;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import java.nio.file.Path;

/**
 * Plugins &gt; Face Attributes &gt; Train Face Detector: fine-tunes the cascade on a WIDER-format
 * set (WIDER FACE, or an Export Face Dataset in the wider format) and writes a detector folder
 * that Detect Faces and Analyze Faces use through their {@code detector} key
 * (docs/detection-training.md). Esc stops it; the stages finished so far stay in the folder.
 * Macro keys (docs/contracts.md): {@value #KEY_DATA} ({@code wider:PATH}), {@value #KEY_OUT},
 * {@value #KEY_EPOCHS}, {@value #KEY_BATCH}, {@value #KEY_STAGES}, {@value #KEY_TRAIN} ({@code rfe}
 * or {@code all}), the checkbox {@code resume} and {@code device}.
 */
public final class TrainFaceDetectorPlugin implements PlugIn {
    /** The menu command. */
    public static final String COMMAND = "Train Face Detector";
    /** Macro key: the annotated set, {@code wider:PATH}. */
    public static final String KEY_DATA = "data";
    /** Macro key: the detector folder to write. */
    public static final String KEY_OUT = "out";
    /** Macro key: epochs per stage. */
    public static final String KEY_EPOCHS = "epochs";
    /** Macro key: crops per step. */
    public static final String KEY_BATCH = "batch";
    /** Macro key: the stages, comma-separated. */
    public static final String KEY_STAGES = "stages";
    /** Macro key: what trains, {@code rfe} (the blocks and heads) or {@code all}. */
    public static final String KEY_TRAIN = "train";

    private static final String PREFS = "faceattr.traindetector.";

    @Override
    public void run(String arg) {
        boolean macro = Macro.getOptions() != null;
        DetectorTrainer.Options d = DetectorTrainer.Options.defaults();
        GenericDialog gd = new GenericDialog(COMMAND);
        gd.addStringField("Data (wider:PATH):", macro ? "" : Prefs.get(PREFS + KEY_DATA, ""), 50);
        gd.addDirectoryField("Out (detector folder):", macro ? "" : Prefs.get(PREFS + KEY_OUT, ""), 40);
        gd.addNumericField("Epochs (per stage):", d.epochs(), 0);
        gd.addNumericField("Batch (crops per step):", d.batch(), 0);
        gd.addStringField("Stages:", String.join(",", d.stages()), 20);
        gd.addChoice("Train:", new String[] {"rfe", "all"}, "rfe");
        gd.addCheckbox("Resume the run in this folder", false);
        gd.addStringField("Device (auto, cpu, gpu or gpu:N):", macro ? DeviceChoice.DEFAULT.key()
                : Prefs.get(PREFS + DetectFacesPlugin.KEY_DEVICE, DeviceChoice.DEFAULT.key()), 8);
        gd.addMessage("rfe: the receptive-field blocks and the output heads, the pretrained cascade frozen.");
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String data = gd.getNextString().trim();
        String out = gd.getNextString().trim();
        int epochs = (int) gd.getNextNumber();
        int batch = (int) gd.getNextNumber();
        String stages = gd.getNextString().trim();
        boolean all = gd.getNextChoice().equals("all");
        boolean resume = gd.getNextBoolean();
        String deviceKey = gd.getNextString().trim();
        if (!macro) {
            Prefs.set(PREFS + KEY_DATA, data);
            Prefs.set(PREFS + KEY_OUT, out);
            Prefs.set(PREFS + DetectFacesPlugin.KEY_DEVICE, deviceKey);
        }
        if (data.isEmpty() || out.isEmpty() || gd.invalidNumber()) {
            DetectFacesPlugin.error(COMMAND, "give " + KEY_DATA + " (wider:PATH), " + KEY_OUT + " and numbers for "
                    + KEY_EPOCHS + " and " + KEY_BATCH);
            return;
        }
        DetectionKind.Source source;
        DetectorTrainer.Options o;
        DeviceChoice device;
        try {
            source = DetectionKind.parse(data);
            o = new DetectorTrainer.Options(DetectorTrainer.Options.stages(stages), epochs, batch, d.lr(), all, d.seed(),
                    d.minSize());
            device = DeviceChoice.parse(deviceKey);
        } catch (IllegalArgumentException e) {
            DetectFacesPlugin.error(COMMAND, e.getMessage());
            return;
        }
        IjProgress progress = new IjProgress(COMMAND);
        try {
            Accelerators.Resolved r = Accelerators.forTraining(device);
            if (r.notice() != null) {
                IJ.log(COMMAND + ": " + r.notice());
            }
            DetectionSet set = source.load(d.minSize());
            IJ.log(COMMAND + ": " + set.report().summary());
            DetectorTrainer.Result result = new DetectorTrainer(o).run(set, Path.of(out), resume, progress,
                    line -> IJ.log(COMMAND + ": " + line), r.gpu());
            progress.done("detector in " + result.folder() + " (Detect Faces: detector=" + result.folder() + ")");
        } catch (CancelledException e) {
            progress.done("stopped; the stages finished so far are in " + out + " (resume continues)");
        } catch (FaceAttrException e) {
            IJ.showProgress(1.0);
            DetectFacesPlugin.error(COMMAND, e.getMessage());
        }
    }
}

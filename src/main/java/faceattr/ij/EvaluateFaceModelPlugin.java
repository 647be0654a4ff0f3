package faceattr.ij;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.data.Splits;
import faceattr.engine.Accelerators;
import faceattr.engine.DeviceChoice;
import faceattr.train.Evaluator;
import faceattr.train.TrainingRun;
import ij.IJ;
import ij.Macro;
import ij.Prefs;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Plugins &gt; Face Attributes &gt; Evaluate Face Model: metrics, confusion matrices and the
 * fairness audit of a trained model on datasets, written as {@code metrics.json}, {@code report.md}
 * and PNG plots (docs/training.md). Macro keys (docs/contracts.md): {@value #KEY_MODEL},
 * {@value #KEY_DATA} ({@code KIND:PATH}, several separated by {@code ;}), {@value #KEY_OUT},
 * {@code device} (docs/gpu.md).
 */
public final class EvaluateFaceModelPlugin implements PlugIn {
    /** The menu command. */
    public static final String COMMAND = "Evaluate Face Model";
    /** Macro key: the model folder. */
    public static final String KEY_MODEL = "model";
    /** Macro key: datasets. */
    public static final String KEY_DATA = "data";
    /** Macro key: the report folder. */
    public static final String KEY_OUT = "out";

    private static final String PREFS = "faceattr.eval.";

    @Override
    public void run(String arg) {
        boolean macro = Macro.getOptions() != null;
        GenericDialog gd = new GenericDialog(COMMAND);
        gd.addDirectoryField("Model folder:", macro ? "" : Prefs.get(PREFS + KEY_MODEL, ""), 40);
        gd.addStringField("Data (KIND:PATH; KIND:PATH ...):", macro ? "" : Prefs.get(PREFS + KEY_DATA, ""), 50);
        gd.addDirectoryField("Out (report folder):", macro ? "" : Prefs.get(PREFS + KEY_OUT, ""), 40);
        gd.addStringField("Device (auto, cpu, gpu or gpu:N):", macro ? DeviceChoice.DEFAULT.key()
                : Prefs.get(PREFS + DetectFacesPlugin.KEY_DEVICE, DeviceChoice.DEFAULT.key()), 8);
        gd.addDirectoryField("Detector (cuts unaligned crops; empty: the pretrained cascade):", macro ? ""
                : Prefs.get(PREFS + DetectFacesPlugin.KEY_DETECTOR, ""), 30);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String model = gd.getNextString().trim();
        String data = gd.getNextString().trim();
        String out = gd.getNextString().trim();
        String deviceKey = gd.getNextString().trim();
        String detectorKey = gd.getNextString().trim();
        if (!macro) {
            Prefs.set(PREFS + KEY_MODEL, model);
            Prefs.set(PREFS + KEY_DATA, data);
            Prefs.set(PREFS + KEY_OUT, out);
            Prefs.set(PREFS + DetectFacesPlugin.KEY_DEVICE, deviceKey);
            Prefs.set(PREFS + DetectFacesPlugin.KEY_DETECTOR, detectorKey);
        }
        List<String> specs = TrainingRun.split(data);
        if (model.isEmpty() || specs.isEmpty() || out.isEmpty()) {
            DetectFacesPlugin.error(COMMAND, "give " + KEY_MODEL + ", " + KEY_DATA + " (KIND:PATH; ...) and " + KEY_OUT);
            return;
        }
        try {
            TrainingRun.parse(specs);
            DeviceChoice.parse(deviceKey);
        } catch (IllegalArgumentException e) {
            DetectFacesPlugin.error(COMMAND, e.getMessage());
            return;
        }
        IjProgress progress = new IjProgress(COMMAND);
        try {
            Splits.Options split = TrainingRun.splitOf(faceattr.model.io.ModelFolder.read(Path.of(model)).card()
                    .trainingData());
            Accelerators.Resolved device = Accelerators.forTraining(DeviceChoice.parse(deviceKey));
            if (device.notice() != null) {
                IJ.log(COMMAND + ": " + device.notice());
            }
            Evaluator.Report r = Evaluator.run(Path.of(model), specs, split, false, Path.of(out),
                    progress, line -> IJ.log(COMMAND + ": " + line), device.gpu(), faceattr.detect.DetectorSettings
                    .builder().optDetector(new faceattr.detect.DetectorStore(AnalyzeFacesPlugin.store())
                    .resolve(detectorKey)).build());
            IJ.log(COMMAND + ": " + r.overall());
            progress.done(String.format(Locale.ROOT, "%.0f faces; report in %s", r.overall().get("n"),
                    Path.of(out).resolve("report.md")));
        } catch (CancelledException e) {
            progress.done("cancelled");
        } catch (FaceAttrException e) {
            IJ.showProgress(1.0);
            DetectFacesPlugin.error(COMMAND, e.getMessage());
        }
    }
}

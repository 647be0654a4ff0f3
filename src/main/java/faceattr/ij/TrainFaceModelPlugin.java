package faceattr.ij;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.data.Splits;
import faceattr.train.FaceTrainer;
import faceattr.train.TrainOptions;
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
 * Plugins &gt; Face Attributes &gt; Train Face Model: trains the multi-task network on datasets
 * ({@code KIND:PATH}, separated by {@code ;}) into a model folder, with progress in the status
 * bar, the epoch results in the Log, and Esc to stop (the last checkpoint and the best model are
 * kept; {@code resume} continues). Macro keys (docs/contracts.md): {@value #KEY_DATA},
 * {@value #KEY_OUT}, {@value #KEY_EPOCHS}, {@value #KEY_BATCH}, plus {@code resume} and {@code init}
 * (a model folder to fine-tune, e.g. the installed model the labels were estimated with). Example:
 * {@code run("Train Face Model", "data=[rafdb:/data/basic;faceattr:/data/mine] out=/models/mine epochs=30 batch=32");}
 * Everything else is {@code faceattr train}'s default (docs/training.md).
 */
public final class TrainFaceModelPlugin implements PlugIn {
    /** The menu command. */
    public static final String COMMAND = "Train Face Model";
    /** Macro key: datasets, {@code KIND:PATH;KIND:PATH}. */
    public static final String KEY_DATA = "data";
    /** Macro key: the model folder to write. */
    public static final String KEY_OUT = "out";
    /** Macro key: epochs. */
    public static final String KEY_EPOCHS = "epochs";
    /** Macro key: batch size. */
    public static final String KEY_BATCH = "batch";

    private static final String PREFS = "faceattr.train.";

    @Override
    public void run(String arg) {
        boolean macro = Macro.getOptions() != null;
        TrainOptions d = TrainOptions.defaults("model");
        GenericDialog gd = new GenericDialog(COMMAND);
        gd.addStringField("Data (KIND:PATH; KIND:PATH ...):", macro ? "" : Prefs.get(PREFS + KEY_DATA, ""), 50);
        gd.addDirectoryField("Out (model folder):", macro ? "" : Prefs.get(PREFS + KEY_OUT, ""), 40);
        gd.addNumericField("Epochs:", d.epochs(), 0);
        gd.addNumericField("Batch size:", d.batch(), 0);
        gd.addCheckbox("Resume from the last checkpoint", false);
        gd.addDirectoryField("Init (fine-tune from a model folder; empty: from scratch):", "", 40);
        gd.addStringField("Device (auto, cpu, gpu or gpu:N):", macro ? faceattr.engine.DeviceChoice.DEFAULT.key()
                : Prefs.get(PREFS + DetectFacesPlugin.KEY_DEVICE, faceattr.engine.DeviceChoice.DEFAULT.key()), 8);
        gd.addDirectoryField("Detector (cuts unaligned crops; empty: the pretrained cascade):", macro ? ""
                : Prefs.get(PREFS + DetectFacesPlugin.KEY_DETECTOR, ""), 30);
        gd.addMessage("KIND is utkface, fairface, rafdb or faceattr (an export of Export Face Dataset).");
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String data = gd.getNextString().trim();
        String out = gd.getNextString().trim();
        int epochs = (int) gd.getNextNumber();
        int batch = (int) gd.getNextNumber();
        boolean resume = gd.getNextBoolean();
        String init = gd.getNextString().trim();
        String deviceKey = gd.getNextString();
        String detectorKey = gd.getNextString().trim();
        if (!macro) {
            Prefs.set(PREFS + KEY_DATA, data);
            Prefs.set(PREFS + KEY_OUT, out);
            Prefs.set(PREFS + DetectFacesPlugin.KEY_DEVICE, deviceKey.trim());
            Prefs.set(PREFS + DetectFacesPlugin.KEY_DETECTOR, detectorKey);
        }
        List<String> specs = TrainingRun.split(data);
        if (specs.isEmpty() || out.isEmpty() || gd.invalidNumber()) {
            DetectFacesPlugin.error(COMMAND, "give " + KEY_DATA + " (KIND:PATH; ...), " + KEY_OUT + " and numbers for "
                    + KEY_EPOCHS + " and " + KEY_BATCH);
            return;
        }
        Path model = Path.of(out);
        TrainOptions o;
        try {
            TrainingRun.parse(specs);
            o = d.toBuilder().setName(model.toAbsolutePath().getFileName().toString()).optEpochs(epochs)
                    .optBatch(batch).optInit(init.isEmpty() ? null : Path.of(init)).build();
            faceattr.engine.DeviceChoice.parse(deviceKey);
        } catch (IllegalArgumentException e) {
            DetectFacesPlugin.error(COMMAND, e.getMessage());
            return;
        }
        IjProgress progress = new IjProgress(COMMAND);
        try {
            faceattr.engine.Accelerators.Resolved device = faceattr.engine.Accelerators.forTraining(
                    faceattr.engine.DeviceChoice.parse(deviceKey));
            if (device.notice() != null) {
                IJ.log(COMMAND + ": " + device.notice());
            }
            FaceTrainer.Result r = TrainingRun.run(specs, o, Splits.Options.DEFAULT, model, resume, progress,
                    line -> IJ.log(COMMAND + ": " + line), device.gpu(), faceattr.detect.DetectorSettings.builder()
                    .optDetector(new faceattr.detect.DetectorStore(AnalyzeFacesPlugin.store()).resolve(detectorKey))
                    .build());
            progress.done(String.format(Locale.ROOT, "%d epochs; best epoch %d; model in %s", r.epochsRun(),
                    r.bestEpoch(), r.modelDir()));
        } catch (CancelledException e) {
            progress.done("stopped; the last checkpoint and the best model are kept (resume continues)");
        } catch (FaceAttrException e) {
            IJ.showProgress(1.0);
            DetectFacesPlugin.error(COMMAND, e.getMessage());
        }
    }
}

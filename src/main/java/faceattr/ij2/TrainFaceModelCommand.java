package faceattr.ij2;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.engine.Accelerators;
import faceattr.engine.DeviceChoice;
import faceattr.data.Splits;
import faceattr.train.FaceTrainer;
import faceattr.train.TrainOptions;
import faceattr.train.TrainingRun;
import java.io.File;
import java.util.List;
import java.util.Map;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Trains the multi-task network, as Plugins › Face Attributes › Train Face Model does, for scripts
 * (docs/scripting.md, docs/training.md). Inputs {@code data} ({@code KIND:PATH}, several separated by
 * {@code ;}), {@code out} (the model folder), {@code epochs}, {@code batch}, {@code resume},
 * {@code init} (a model folder to fine-tune from); everything else is {@code faceattr train}'s
 * default. Outputs {@code model} (the folder), {@code epochsRun}, {@code bestEpoch} and
 * {@code metrics} (the best epoch's validation metrics). Each epoch's line goes to the log; an
 * interrupt or Esc stops after the current step, keeping the last checkpoint ({@code resume}).
 */
@Plugin(type = Command.class, headless = true, label = "Train Face Model (scripting)")
public final class TrainFaceModelCommand extends ContextCommand {
    @Parameter(persist = false, label = "Data (KIND:PATH; ...)")
    private String data;

    @Parameter(persist = false, label = "Out (model folder)", style = "directory")
    private File out;

    @Parameter(persist = false, required = false)
    private int epochs = TrainOptions.defaults("model").epochs();

    @Parameter(persist = false, required = false)
    private int batch = TrainOptions.defaults("model").batch();

    @Parameter(persist = false, required = false)
    private boolean resume;

    @Parameter(persist = false, required = false, label = "Init (model folder to fine-tune from)",
            style = "directory")
    private File init;

    @Parameter(type = ItemIO.OUTPUT)
    private File model;

    @Parameter(type = ItemIO.OUTPUT)
    private Integer epochsRun;

    @Parameter(type = ItemIO.OUTPUT)
    private Integer bestEpoch;

    @Parameter(type = ItemIO.OUTPUT)
    private Map<String, Double> metrics;

    @Parameter(persist = false, required = false, label = "Device", description = "auto (a usable GPU, else the "
            + "CPU), cpu, gpu or gpu:N (docs/gpu.md)")
    private String device = DeviceChoice.DEFAULT.key();

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    /** The GPU to use, or -1; logs auto's choice. */
    private int gpu(String title) throws FaceAttrException {
        Accelerators.Resolved r = Accelerators.forTraining(DeviceChoice.parse(device));
        if (r.notice() != null && log != null) {
            log.info(title + ": " + r.notice());
        }
        return r.gpu();
    }

    @Override
    public void run() {
        String title = "Train Face Model";
        StatusProgress progress = new StatusProgress(status, title);
        List<String> specs = TrainingRun.split(data);
        TrainOptions o;
        try {
            TrainingRun.parse(specs);
            DeviceChoice.parse(device);
            o = TrainOptions.defaults("model").toBuilder()
                    .setName(out.toPath().toAbsolutePath().getFileName().toString()).optEpochs(epochs)
                    .optBatch(batch).optInit(init == null ? null : init.toPath()).build();
        } catch (IllegalArgumentException e) {
            Commands.fail(this, log, title + ": " + e.getMessage());
            return;
        }
        try {
            FaceTrainer.Result r = TrainingRun.run(specs, o, Splits.Options.DEFAULT, out.toPath(), resume, progress,
                    line -> info(title + ": " + line), gpu(title));
            model = r.modelDir().toFile();
            epochsRun = r.epochsRun();
            bestEpoch = r.bestEpoch();
            metrics = r.bestMetrics();
        } catch (FaceAttrException e) {
            Commands.fail(this, log, title + ": " + e.getMessage());
        } catch (CancelledException e) {
            Commands.fail(this, log, title + ": stopped; the last checkpoint and the best model are kept "
                    + "(resume continues)");
        } finally {
            progress.done();
        }
    }

    private void info(String line) {
        if (log != null) {
            log.info(line);
        }
    }
}

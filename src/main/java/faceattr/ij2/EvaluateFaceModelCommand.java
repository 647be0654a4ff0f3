package faceattr.ij2;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.engine.Accelerators;
import faceattr.engine.DeviceChoice;
import faceattr.data.Splits;
import faceattr.model.io.ModelFolder;
import faceattr.train.Evaluator;
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
 * Evaluates a trained model on datasets, as Plugins › Face Attributes › Evaluate Face Model does,
 * for scripts (docs/scripting.md, docs/training.md). Inputs {@code model} (folder), {@code data}
 * ({@code KIND:PATH; ...}) and {@code out} (the report folder: metrics.json, report.md, plots);
 * outputs {@code metrics} (every metric over all samples) and {@code report} (report.md).
 */
@Plugin(type = Command.class, headless = true, label = "Evaluate Face Model (scripting)")
public final class EvaluateFaceModelCommand extends ContextCommand {
    @Parameter(persist = false, label = "Model folder", style = "directory")
    private File model;

    @Parameter(persist = false, label = "Data (KIND:PATH; ...)")
    private String data;

    @Parameter(persist = false, label = "Out (report folder)", style = "directory")
    private File out;

    @Parameter(type = ItemIO.OUTPUT)
    private Map<String, Double> metrics;

    @Parameter(type = ItemIO.OUTPUT)
    private File report;

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
        String title = "Evaluate Face Model";
        StatusProgress progress = new StatusProgress(status, title);
        List<String> specs = TrainingRun.split(data);
        try {
            TrainingRun.parse(specs);
            DeviceChoice.parse(device);
        } catch (IllegalArgumentException e) {
            Commands.fail(this, log, title + ": " + e.getMessage());
            return;
        }
        try {
            Splits.Options split = TrainingRun.splitOf(ModelFolder.read(model.toPath()).card().trainingData());
            Evaluator.Report r = Evaluator.run(model.toPath(), specs, split, false, out.toPath(), progress,
                    line -> {
                        if (log != null) {
                            log.info(title + ": " + line);
                        }
                    }, gpu(title));
            metrics = r.overall();
            report = out.toPath().resolve("report.md").toFile();
        } catch (FaceAttrException e) {
            Commands.fail(this, log, title + ": " + e.getMessage());
        } catch (CancelledException e) {
            Commands.fail(this, log, title + ": cancelled");
        } finally {
            progress.done();
        }
    }
}

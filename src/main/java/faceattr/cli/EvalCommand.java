package faceattr.cli;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.data.Splits;
import faceattr.engine.Engines;
import faceattr.train.Evaluator;
import faceattr.train.TrainingRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code faceattr eval --model PATH --data KIND:PATH [--data ...] --out REPORT_DIR [--all]}: metrics,
 * confusion matrices and a fairness audit of a trained model (docs/training.md).
 */
@Command(name = "eval", description = "Metrics, confusion matrices and a fairness audit of a trained model "
        + "(docs/training.md).")
final class EvalCommand extends Subcommand {
    @Option(names = "--model", required = true, paramLabel = "MODEL_DIR", description = "The trained model folder.")
    private Path model;

    @Mixin
    private DataOption data;

    @Option(names = "--out", required = true, paramLabel = "REPORT_DIR",
            description = "Where metrics.json, report.md and the plots go.")
    private Path report;

    @Option(names = "--all", description = "Evaluate every sample, not only the validation part.")
    private boolean all;

    @Option(names = "--seed", paramLabel = "N", description = "The split's seed (default: the model's).")
    private Integer seed;

    @Option(names = "--val-fraction", paramLabel = "F",
            description = "The validation fraction, 0 to 1 (default: the model's).")
    private Double valFraction;

    @Mixin
    private ThreadsOption threads;

    @Mixin
    private DeviceOption device;

    @Mixin
    private DetectorChoiceOption detector;

    private static java.util.Map<String, Object> trainingData(Path model) {
        try {
            return faceattr.model.io.ModelFolder.read(model).card().trainingData();
        } catch (FaceAttrException e) {
            return java.util.Map.of(); // Evaluator reports the unreadable model with its reason
        }
    }

    @Override
    public Integer call() {
        PrintStream out = out();
        PrintStream err = err();
        if (valFraction != null) {
            Checks.check(spec, "--val-fraction", valFraction, v -> v >= 0 && v <= 1, "in [0, 1]");
        }
        Splits.Options split = Checks.usage(spec, () -> {
            // The model's own split unless overridden: evaluation then scores the faces training held out.
            Splits.Options trained = TrainingRun.splitOf(trainingData(model));
            return new Splits.Options(valFraction == null ? trained.valFraction() : valFraction,
                    seed == null ? (int) trained.seed() : seed, trained.minAge(), trained.maxAge());
        });
        int gpu = device.training(err);
        CliProgress progress = new CliProgress(err);
        try {
            Engines.setThreads(threads.get());
            progress.item("eval");
            Evaluator.Report r = Evaluator.run(model, data.get(), split, all, report, progress, out::println, gpu,
                    faceattr.detect.DetectorSettings.builder().optDetector(detector.get()).build());
            out.printf(Locale.ROOT, "evaluated %.0f faces: %s%nreport: %s%n", r.overall().get("n"), r.overall(),
                    report.resolve("report.md"));
        } catch (CancelledException e) {
            err.println("cancelled");
            return 1;
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}

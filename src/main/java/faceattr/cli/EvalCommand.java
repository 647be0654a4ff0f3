package faceattr.cli;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.data.Splits;
import faceattr.engine.Engines;
import faceattr.train.Evaluator;
import faceattr.train.TrainingRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code faceattr eval --model PATH --data KIND:PATH [--data ...] --out REPORT_DIR [--all]}: metrics,
 * confusion matrices and a fairness audit of a trained model (docs/training.md).
 */
final class EvalCommand {
    static final String USAGE = "faceattr eval --model PATH --data KIND:PATH [--data ...] --out REPORT_DIR [--all] "
            + "[--seed N] [--val-fraction F] [--threads T]";

    private EvalCommand() {
    }

    private static java.util.Map<String, Object> trainingData(Path model) {
        try {
            return faceattr.model.io.ModelFolder.read(model).card().trainingData();
        } catch (FaceAttrException e) {
            return java.util.Map.of(); // Evaluator reports the unreadable model with its reason
        }
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) throws Args.UsageException {
        Args a = new Args(argv, Set.of("model", "data", "out", "seed", "val-fraction", "threads"), Set.of("all"));
        if (a.string("model", null) == null || a.strings("data").isEmpty() || a.string("out", null) == null) {
            throw new Args.UsageException("give --model PATH, at least one --data KIND:PATH and --out REPORT_DIR");
        }
        Splits.Options split;
        try {
            TrainingRun.parse(a.strings("data"));
            // The model's own split unless overridden: evaluation then scores the faces training held out.
            Splits.Options trained = TrainingRun.splitOf(trainingData(Path.of(a.string("model", null))));
            split = new Splits.Options(a.number("val-fraction", trained.valFraction()), a.integer("seed",
                    (int) trained.seed()), trained.minAge(), trained.maxAge());
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        CliProgress progress = new CliProgress(err);
        try {
            Engines.setThreads(a.integer("threads", Runtime.getRuntime().availableProcessors()));
            progress.item("eval");
            Path report = Path.of(a.string("out", null));
            Evaluator.Report r = Evaluator.run(Path.of(a.string("model", null)), a.strings("data"), split,
                    a.flag("all"), report, progress, out::println);
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

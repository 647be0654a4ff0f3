package faceattr.cli;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.data.DatasetKind;
import faceattr.data.Splits;
import faceattr.engine.Engines;
import faceattr.labels.Task;
import faceattr.train.Augmenter;
import faceattr.train.FaceTrainer;
import faceattr.train.TrainOptions;
import faceattr.train.TrainingRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code faceattr train --data KIND:PATH [--data ...] --out MODEL_DIR [options]} (docs/training.md).
 */
final class TrainCommand {
    static final String USAGE = "faceattr train --data KIND:PATH [--data KIND:PATH ...] --out MODEL_DIR [--epochs N] "
            + "[--batch N] [--lr X] [--input N] [--branch K] [--tasks age,gender,...] [--ratio KIND=W ...] "
            + "[--class-balanced] [--no-augment] [--patience N] [--seed N] [--val-fraction F] [--utk-ages 21-60] "
            + "[--init MODEL_DIR] [--bn-momentum M] [--epoch-size N] [--resume] [--device cpu|gpu] [--threads T]";

    private TrainCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) throws Args.UsageException {
        Args a = new Args(argv, Set.of("data", "out", "epochs", "batch", "lr", "input", "branch", "tasks", "ratio",
                "patience", "seed", "val-fraction", "utk-ages", "init", "bn-momentum", "epoch-size", "device",
                "threads", "name"), Set.of("class-balanced", "no-augment", "resume"));
        if (a.strings("data").isEmpty() || a.string("out", null) == null) {
            throw new Args.UsageException("give at least one --data KIND:PATH and --out MODEL_DIR");
        }
        String device = a.string("device", "cpu");
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new Args.UsageException("--device must be cpu or gpu");
        }
        if (device.equals("gpu")) {
            err.println("error: --device gpu needs DJL's CUDA natives (pytorch-native-cu*), which this build does not "
                    + "bundle; docs/training.md says how to build with them. Training on the CPU instead is "
                    + "--device cpu.");
            return 1;
        }
        Path outDir = Path.of(a.string("out", null));
        TrainOptions o;
        Splits.Options split;
        try {
            TrainOptions d = TrainOptions.defaults(a.string("name", outDir.toAbsolutePath().getFileName().toString()));
            List<Task> tasks = new ArrayList<>();
            for (String t : a.string("tasks", "age,age_group,gender,race,emotion").split(",")) {
                tasks.add(task(t.trim()));
            }
            Map<String, Double> ratios = new LinkedHashMap<>();
            for (String r : a.strings("ratio")) {
                int eq = r.indexOf('=');
                if (eq < 0) {
                    throw new Args.UsageException("--ratio needs KIND=WEIGHT, got '" + r + "'");
                }
                ratios.put(DatasetKind.of(r.substring(0, eq)).key(), Double.parseDouble(r.substring(eq + 1)));
            }
            o = d.toBuilder().optInputSize(a.integer("input", d.inputSize())).optBranchPoint(a.integer("branch",
                    d.branchPoint())).optTasks(tasks).optEpochs(a.integer("epochs", d.epochs()))
                    .optBatch(a.integer("batch", d.batch())).optLearningRate(a.number("lr", d.learningRate()))
                    .optEpochSize(a.integer("epoch-size", 0)).optRatios(ratios)
                    .optClassBalanced(a.flag("class-balanced"))
                    .optAugment(a.flag("no-augment") ? Augmenter.Options.NONE : d.augment())
                    .optPatience(a.integer("patience", d.patience())).optSeed(a.integer("seed", (int) d.seed()))
                    .optInit(a.string("init", null) == null ? null : Path.of(a.string("init", null)))
                    .optBnMomentum(a.number("bn-momentum", d.bnMomentum())).build();
            split = new Splits.Options(a.number("val-fraction", 0.2), o.seed(), null, null);
            String ages = a.string("utk-ages", null);
            if (ages != null) {
                String[] p = ages.split("-");
                if (p.length != 2) {
                    throw new Args.UsageException("--utk-ages needs FROM-TO, e.g. 21-60, got '" + ages + "'");
                }
                split = split.ageRange(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            }
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        CliProgress progress = new CliProgress(err);
        try {
            Engines.setThreads(a.integer("threads", Runtime.getRuntime().availableProcessors()));
            progress.item("train");
            try {
                TrainingRun.parse(a.strings("data"));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException(e.getMessage());
            }
            FaceTrainer.Result r = TrainingRun.run(a.strings("data"), o, split, outDir, a.flag("resume"), progress,
                    line -> {
                        err.print("\r");
                        out.println(line);
                    });
            out.printf(Locale.ROOT, "done: %d epochs%s; best epoch %d: %s; model in %s%n", r.epochsRun(),
                    r.stoppedEarly() ? " (stopped early)" : "", r.bestEpoch(), r.bestMetrics(), r.modelDir());
        } catch (CancelledException e) {
            err.println("\ncancelled: the last checkpoint and the best model are kept; --resume continues");
            return 1;
        } catch (FaceAttrException e) {
            err.println("\nerror: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static Task task(String key) {
        for (Task t : Task.values()) {
            if (t.key().equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + key + "': use age, age_group, gender, race, emotion");
    }
}

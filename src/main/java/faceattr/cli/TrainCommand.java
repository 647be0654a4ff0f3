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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code faceattr train --data KIND:PATH [--data ...] --out MODEL_DIR [options]} (docs/training.md).
 */
@Command(name = "train", description = "Train a multi-task attribute model (docs/training.md).")
final class TrainCommand extends Subcommand {
    private static final TrainOptions DEFAULTS = TrainOptions.defaults("model");

    @Mixin
    private DataOption data;

    @Option(names = "--out", required = true, paramLabel = "MODEL_DIR",
            description = "The model folder to write; checkpoints go beside it, in MODEL_DIR.training.")
    private Path outDir;

    @Option(names = "--name", paramLabel = "NAME", description = "The model's name in its card "
            + "(default: MODEL_DIR's folder name).")
    private String name;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
    private int epochs = DEFAULTS.epochs();

    @Option(names = "--batch", paramLabel = "N", description = "Faces per step, at least 2 "
            + "(default: ${DEFAULT-VALUE}).")
    private int batch = DEFAULTS.batch();

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate of AdamW "
            + "(default: ${DEFAULT-VALUE}).")
    private double lr = DEFAULTS.learningRate();

    @Option(names = "--input", paramLabel = "N", description = "Crop side in pixels: 112, 128, 160 or 224 "
            + "(default: ${DEFAULT-VALUE}).")
    private int input = DEFAULTS.inputSize();

    @Option(names = "--branch", paramLabel = "K", description = "Backbone stages shared by all tasks "
            + "(default: ${DEFAULT-VALUE}).")
    private int branch = DEFAULTS.branchPoint();

    @Option(names = "--tasks", paramLabel = "TASK", split = ",", defaultValue = "age,age_group,gender,race,emotion",
            description = "The tasks to train, comma-separated (default: ${DEFAULT-VALUE}).")
    private List<Task> tasks;

    @Option(names = "--ratio", paramLabel = "KIND=W", description = "A dataset kind's share of each epoch "
            + "(default: proportional to its size); repeat for several.")
    private Map<DatasetKind, Double> ratio = new LinkedHashMap<>();

    @Option(names = "--class-balanced", description = "Draw each dataset's samples inversely to the frequency "
            + "of its main label.")
    private boolean classBalanced;

    @Option(names = "--no-augment", description = "Turn augmentation off.")
    private boolean noAugment;

    @Option(names = "--patience", paramLabel = "N", description = "Stop after N epochs without improvement, "
            + "0 never (default: ${DEFAULT-VALUE}).")
    private int patience = DEFAULTS.patience();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the split, data order, augmentation "
            + "and initialisation (default: ${DEFAULT-VALUE}).")
    private int seed = (int) DEFAULTS.seed();

    @Option(names = "--val-fraction", paramLabel = "F", description = "Validation fraction of the datasets "
            + "without their own split, 0 to 1 (default: ${DEFAULT-VALUE}).")
    private double valFraction = 0.2;

    @Option(names = "--utk-ages", paramLabel = "FROM-TO", description = "Keep only UTKFace faces of these ages, "
            + "e.g. 21-60.")
    private String utkAges;

    @Option(names = "--init", paramLabel = "MODEL_DIR", description = "Start from this model (fine-tuning).")
    private Path init;

    @Option(names = "--bn-momentum", paramLabel = "M", description = "BatchNorm's running-statistics momentum, "
            + "in (0, 1]; short runs need about 0.1 (default: ${DEFAULT-VALUE}).")
    private double bnMomentum = DEFAULTS.bnMomentum();

    @Option(names = "--epoch-size", paramLabel = "N", description = "Samples per epoch, 0 for all "
            + "(default: ${DEFAULT-VALUE}).")
    private int epochSize;

    @Option(names = "--resume", description = "Continue after the last finished epoch of MODEL_DIR.training.")
    private boolean resume;

    @Mixin
    private DeviceOption device;

    @Mixin
    private ThreadsOption threads;

    @Mixin
    private DetectorChoiceOption detector;

    @Override
    public Integer call() {
        PrintStream out = out();
        PrintStream err = err();
        Checks.atLeast(spec, "--epochs", 1, epochs);
        Checks.atLeast(spec, "--batch", 2, batch);
        Checks.check(spec, "--lr", lr, v -> v > 0, "greater than 0");
        Checks.atLeast(spec, "--patience", 0, patience);
        Checks.check(spec, "--val-fraction", valFraction, v -> v >= 0 && v <= 1, "in [0, 1]");
        Checks.check(spec, "--bn-momentum", bnMomentum, v -> v > 0 && v <= 1, "in (0, 1]");
        Checks.atLeast(spec, "--epoch-size", 0, epochSize);
        TrainOptions o;
        Splits.Options split;
        try {
            TrainOptions d = TrainOptions.defaults(name != null ? name : outDir.toAbsolutePath().getFileName().toString());
            Map<String, Double> ratios = new LinkedHashMap<>();
            ratio.forEach((kind, weight) -> ratios.put(kind.key(), weight));
            o = d.toBuilder().optInputSize(input).optBranchPoint(branch).optTasks(tasks).optEpochs(epochs)
                    .optBatch(batch).optLearningRate(lr).optEpochSize(epochSize).optRatios(ratios)
                    .optClassBalanced(classBalanced).optAugment(noAugment ? Augmenter.Options.NONE : d.augment())
                    .optPatience(patience).optSeed(seed).optInit(init).optBnMomentum(bnMomentum).build();
            split = new Splits.Options(valFraction, o.seed(), null, null);
            if (utkAges != null) {
                String[] p = utkAges.split("-");
                if (p.length != 2 || !p[0].trim().matches("\\d{1,3}") || !p[1].trim().matches("\\d{1,3}")) {
                    throw new ParameterException(spec.commandLine(), "--utk-ages needs FROM-TO, e.g. 21-60, got '"
                            + utkAges + "'");
                }
                split = split.ageRange(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        int gpu = device.training(err);
        CliProgress progress = new CliProgress(err);
        try {
            Engines.setThreads(threads.get());
            progress.item("train");
            FaceTrainer.Result r = TrainingRun.run(data.get(), o, split, outDir, resume, progress,
                    line -> {
                        err.print("\r");
                        out.println(line);
                    }, gpu, faceattr.detect.DetectorSettings.builder().optDetector(detector.get()).build());
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
}

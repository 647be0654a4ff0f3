package faceattr.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.data.Sample;
import faceattr.data.Split;
import faceattr.data.Splits;
import faceattr.engine.Engines;
import faceattr.model.MultiTaskNet;
import faceattr.model.io.ModelFolder;
import faceattr.model.loss.MultiTaskLoss;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Trains the multi-task network (docs/training.md). The loop is DJL's building blocks driven
 * directly (ParameterStore, GradientCollector) with our {@link AdamW}, because an exact resume
 * needs optimizer state that can be saved; DJL's Trainer keys that state by per-run ids.
 *
 * <p>Output folder: the best model so far by validation loss ({@code model.json},
 * {@code parameters.safetensors}: a model folder Analyze Faces can use). Beside it,
 * {@code <name>.training/} holds the last checkpoint (replaced atomically after every epoch),
 * {@code history.csv} and the crop cache. With {@code resume}, a run continues after the last
 * finished epoch and ends with exactly the weights an uninterrupted run would have (data order,
 * augmentation and dropout are seeded by epoch and step).
 *
 * <p>This class runs the epochs; the parts are {@link EpochLoop} (the steps of an epoch),
 * {@link TrainingStep}, {@link Validation}, {@link BestModel} (model choice, export and early
 * stopping), {@link Checkpoint} and {@link History}.
 */
public final class FaceTrainer {
    /** Suffix of the folder beside the model that holds the checkpoint, history and crop cache. */
    public static final String TRAINING = ".training";

    private final TrainOptions options;
    private final int gpu;

    /** @param options the options of the runs, on the CPU */
    public FaceTrainer(TrainOptions options) {
        this(options, -1);
    }

    /**
     * @param options the options of the runs
     * @param gpu the GPU every tensor of a step lives on (model, batch, labels, masks, optimizer
     *     state), or -1 for the CPU ({@link faceattr.engine.Accelerators#forTraining}). Not part of
     *     the options: a checkpoint holds plain float arrays, so a run resumes on either device.
     */
    public FaceTrainer(TrainOptions options, int gpu) {
        this.options = Objects.requireNonNull(options, "options");
        this.gpu = gpu;
    }

    /**
     * What a run achieved.
     *
     * @param modelDir the best model's folder (the output folder)
     * @param epochsRun epochs finished in total (including resumed ones)
     * @param bestEpoch the epoch (from 1) with the lowest validation loss, 0 when none had one
     * @param bestMetrics that epoch's validation metrics (unmodifiable, in the log's order)
     * @param stoppedEarly whether early stopping ended the run
     */
    public record Result(Path modelDir, int epochsRun, int bestEpoch, Map<String, Double> bestMetrics,
            boolean stoppedEarly) {
        /** Copies the metrics. */
        public Result {
            bestMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(bestMetrics));
        }
    }

    /**
     * @param model the output (model) folder
     * @return the folder beside it with the checkpoint, the history and the crop cache; not inside
     *     it, because the model folder is replaced as a whole whenever a better epoch is saved
     */
    public static Path trainingDir(Path model) {
        Path abs = model.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + TRAINING);
    }

    /**
     * As {@link #run(List, CropSource, Path, boolean, Progress, Consumer, Map)} with nothing
     * extra for the model card.
     */
    public Result run(List<Sample> samples, CropSource crops, Path out, boolean resume, Progress progress,
            Consumer<String> log) throws FaceAttrException {
        return run(samples, crops, out, resume, progress, log, Map.of());
    }

    /**
     * @param samples training and validation samples (splits set, see {@link Splits})
     * @param crops makes the crops; the caller closes it
     * @param out the output (model) folder
     * @param resume continue from the checkpoint in {@link #trainingDir}
     * @param progress progress and cancellation (cancelling keeps the last checkpoint and best model)
     * @param log receives one line per event (epoch results, skipped samples)
     * @param cardNotes facts to record in the model card's training data (e.g. the split options,
     *     which evaluation reads back to score the same validation faces)
     * @return the result
     * @throws FaceAttrException when the data has no training sample, a file cannot be written,
     *     the checkpoint does not match the options, or the loss or gradients stop being finite
     */
    public Result run(List<Sample> samples, CropSource crops, Path out, boolean resume, Progress progress,
            Consumer<String> log, Map<String, Object> cardNotes) throws FaceAttrException {
        List<Sample> train = Splits.of(samples, Split.TRAIN);
        List<Sample> val = Splits.of(samples, Split.VAL);
        if (train.isEmpty()) {
            throw new FaceAttrException("no training samples: check the --data folders (their reports list what "
                    + "was skipped)");
        }
        Engine engine = Engines.engine();
        Path trainingDir = trainingDir(out);
        Checkpoint checkpoint = new Checkpoint(trainingDir, options, samples);
        try (NDManager manager = Engines.newManager(gpu)) {
            engine.setRandomSeed((int) options.seed());
            MultiTaskNet net = new MultiTaskNet(options.modelConfig());
            net.initialize(manager);
            net.prepareForTraining();
            net.setBatchNormMomentum((float) options.bnMomentum());
            AdamW adam = new AdamW(manager, 0.9, 0.999, 1e-8, options.weightDecay());
            TrainingState state = start(checkpoint, resume, out, net, adam, log);
            UsableCrops usable = new UsableCrops(crops, log);
            ParameterStore ps = new ParameterStore(manager, false);
            MultiTaskLoss loss = MultiTaskLoss.defaults();
            EpochLoop epochs = new EpochLoop(options, train, usable,
                    new TrainingStep(net, ps, loss, adam, options.clipNorm(), manager), progress, engine,
                    EpochLoop.loaderThreads(gpu, Runtime.getRuntime().availableProcessors()));
            Validation validation = new Validation(net, ps, loss, options.batch(), manager);
            BestModel best = new BestModel(out, options, samples, cardNotes);
            boolean stopped = false;
            for (int epoch = state.epoch; epoch < options.epochs() && !stopped; epoch++) {
                long t0 = System.nanoTime();
                double trainLoss = epochs.run(epoch, state);
                Map<String, Double> metrics = validation.run(val.isEmpty() ? train : val, usable);
                metrics.put("epoch", (double) epoch + 1);
                metrics.put("train_loss", trainLoss);
                metrics.put("seconds", (System.nanoTime() - t0) / 1e9);
                state.history.add(metrics);
                state.epoch = epoch + 1;
                boolean isBest = best.offer(state, metrics, net);
                checkpoint.write(net, adam, state);
                History.write(trainingDir.resolve(History.FILE), state.history);
                log.accept(String.format(Locale.ROOT, "epoch %d/%d: %s%s", epoch + 1, options.epochs(),
                        History.describe(metrics), isBest ? " (best so far, saved)" : ""));
                stopped = best.patienceRunOut(state);
                if (stopped) {
                    log.accept("early stop: no better validation loss for " + options.patience() + " epochs");
                }
            }
            if (usable.skipped() > 0) {
                log.accept(usable.skipped() + " samples were skipped as unusable (unreadable or no face)");
            }
            return new Result(out, state.epoch, state.bestEpoch,
                    state.bestEpoch == 0 ? Map.of() : state.history.get(state.bestEpoch - 1), stopped);
        }
    }

    /** The state to start from: the checkpoint's when resuming, else a fresh one (fine-tuned from init). */
    private TrainingState start(Checkpoint checkpoint, boolean resume, Path out, MultiTaskNet net, AdamW adam,
            Consumer<String> log) throws FaceAttrException {
        if (checkpoint.open(resume, out)) {
            TrainingState state = checkpoint.load(net, adam);
            log.accept("resuming after epoch " + state.epoch + " (step " + state.step + ")");
            return state;
        }
        if (options.init() != null) {
            int n = Weights.loadMatching(ModelFolder.read(options.init()), net);
            log.accept("fine-tuning from " + options.init() + " (" + n + " tensors loaded)");
        }
        return checkpoint.fresh();
    }
}

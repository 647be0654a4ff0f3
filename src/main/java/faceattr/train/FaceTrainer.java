package faceattr.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonParseException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.data.FaceLabels;
import faceattr.data.Sample;
import faceattr.data.Split;
import faceattr.data.Splits;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.estimate.AttributeTranslator;
import faceattr.estimate.MultiTaskEstimator;
import faceattr.io.AtomicFiles;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.io.safetensors.SafeTensorsWriter;
import faceattr.io.safetensors.Tensor;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Task;
import faceattr.model.ModelConfig;
import faceattr.model.MultiTaskNet;
import faceattr.model.TaskGroup;
import faceattr.model.io.ModelCard;
import faceattr.model.io.ModelFolder;
import faceattr.model.loss.LossResult;
import faceattr.model.loss.MultiTaskLoss;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Trains the multi-task network (docs/training.md). The loop is DJL's building blocks driven
 * directly (ParameterStore, GradientCollector) with our {@link AdamW}, because an exact resume
 * needs optimizer state that can be saved; DJL's Trainer keys that state by per-run ids.
 *
 * <p>Output folder: the best model so far by validation loss ({@code model.json},
 * {@code parameters.safetensors}: a model folder Analyze Faces can use). Beside it,
 * {@code <name>.training/} holds the last checkpoint (replaced atomically after every epoch),
 * {@code history.csv} and the crop cache. With {@code resume}, a run continues after the last finished epoch and ends with
 * exactly the weights an uninterrupted run would have (data order, augmentation and dropout are
 * seeded by epoch and step).
 */
public final class FaceTrainer {
    /** Suffix of the folder beside the model that holds the checkpoint, history and crop cache. */
    public static final String TRAINING = ".training";
    static final String CHECKPOINT = "checkpoint";

    private FaceTrainer() {
    }

    /**
     * What a run achieved.
     *
     * @param modelDir the best model's folder (the output folder)
     * @param epochsRun epochs finished in total (including resumed ones)
     * @param bestEpoch the epoch (from 1) with the lowest validation loss
     * @param bestMetrics that epoch's validation metrics
     * @param stoppedEarly whether early stopping ended the run
     */
    public record Result(Path modelDir, int epochsRun, int bestEpoch, Map<String, Double> bestMetrics,
            boolean stoppedEarly) {
    }

    /**
     * @param samples training and validation samples (splits set, see {@link Splits})
     * @param o the options
     * @param crops makes the crops; the caller closes it
     * @param out the output (model) folder
     * @param resume continue from the checkpoint in {@code out/training}
     * @param progress progress and cancellation (cancelling keeps the last checkpoint and best model)
     * @param log receives one line per event (epoch results, skipped samples)
     * @return the result
     * @throws FaceAttrException when the data has no training sample, a file cannot be written,
     *     the checkpoint does not match the options, or the loss or gradients stop being finite
     */
    public static Result train(List<Sample> samples, TrainOptions o, CropSource crops, Path out, boolean resume,
            Progress progress, Consumer<String> log) throws FaceAttrException {
        return train(samples, o, crops, out, resume, progress, log, Map.of());
    }

    /**
     * As {@link #train(List, TrainOptions, CropSource, Path, boolean, Progress, Consumer)}, with
     * facts to record in the model card's training data (e.g. the split options, which evaluation
     * reads back to score the same validation faces).
     *
     * @param cardNotes extra training-data entries for the card
     */
    public static Result train(List<Sample> samples, TrainOptions o, CropSource crops, Path out, boolean resume,
            Progress progress, Consumer<String> log, Map<String, Object> cardNotes) throws FaceAttrException {
        List<Sample> train = Splits.of(samples, Split.TRAIN);
        List<Sample> val = Splits.of(samples, Split.VAL);
        if (train.isEmpty()) {
            throw new FaceAttrException("no training samples: check the --data folders (their reports list what "
                    + "was skipped)");
        }
        ModelConfig config = config(o);
        Engine engine = Engines.engine();
        Path trainingDir = trainingDir(out);
        Path checkpoint = trainingDir.resolve(CHECKPOINT);
        try (NDManager manager = Engines.newManager()) {
            engine.setRandomSeed((int) o.seed());
            MultiTaskNet net = new MultiTaskNet(config);
            net.initialize(manager);
            net.prepareForTraining();
            net.setBatchNormMomentum((float) o.bnMomentum());
            AdamW adam = new AdamW(manager, 0.9, 0.999, 1e-8, o.weightDecay());
            TrainingState state = new TrainingState();
            state.fingerprint = fingerprint(o) + " data=" + dataKey(samples);
            if (resume) {
                try {
                    AtomicFiles.recoverDirectory(checkpoint);
                } catch (IOException e) {
                    throw new FaceAttrException(checkpoint, "cannot restore the checkpoint folder: " + e.getMessage(), e);
                }
            }
            if (!resume && Files.isDirectory(checkpoint)) {
                throw new FaceAttrException(checkpoint, "a training run into " + out + " exists already; continue it "
                        + "with --resume (the Resume box in Fiji), or delete " + trainingDir + " and " + out
                        + " to start over", null);
            }
            if (resume && Files.isDirectory(checkpoint)) {
                state = loadCheckpoint(checkpoint, net, adam, state.fingerprint);
                log.accept("resuming after epoch " + state.epoch + " (step " + state.step + ")");
            } else if (o.init() != null) {
                int n = loadWeights(ModelFolder.read(o.init()), net);
                log.accept("fine-tuning from " + o.init() + " (" + n + " tensors loaded)");
            }
            MultiTaskLoss loss = MultiTaskLoss.defaults();
            Augmenter augmenter = new Augmenter(o.augment());
            ParameterStore ps = new ParameterStore(manager, false);
            int epochSize = o.epochSize() > 0 ? o.epochSize() : train.size();
            int stepsPerEpoch = (epochSize + o.batch() - 1) / o.batch();
            long totalSteps = (long) stepsPerEpoch * o.epochs();
            Set<String> unusable = new HashSet<>();
            boolean stopped = false;
            for (int epoch = state.epoch; epoch < o.epochs(); epoch++) {
                long t0 = System.nanoTime();
                int[] order = EpochPlan.order(train, o.ratios(), epochSize, o.classBalanced()
                        ? FaceTrainer::balanceClass : null, o.seed(), epoch);
                double lossSum = 0;
                int lossCount = 0;
                for (int b = 0; b < stepsPerEpoch; b++) {
                    progress.checkCancelled();
                    List<RgbImage> batchCrops = new ArrayList<>();
                    List<FaceLabels> batchLabels = new ArrayList<>();
                    for (int j = b * o.batch(); j < Math.min(order.length, (b + 1) * o.batch()); j++) {
                        Sample s = train.get(order[j]);
                        RgbImage c = crop(crops, s, unusable, log);
                        if (c != null) {
                            Random r = new Random(o.seed() * 7_919L + (long) epoch * 1_000_003L + j);
                            batchCrops.add(augmenter.apply(c, r));
                            batchLabels.add(s.labels());
                        }
                    }
                    if (batchCrops.size() < 2) {
                        continue; // BatchNorm needs two samples
                    }
                    long step = state.step + 1;
                    double lr = learningRate(o, step, stepsPerEpoch, totalSteps);
                    engine.setRandomSeed((int) (o.seed() * 31 + step)); // dropout masks repeat on resume
                    Map<String, Double> parts = new LinkedHashMap<>();
                    double value = step(net, ps, loss, adam, config, o, batchCrops, batchLabels, lr, manager, epoch, b,
                            parts);
                    state.step = step;
                    lossSum += value * batchCrops.size();
                    lossCount += batchCrops.size();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double rate = lossCount / Math.max(1e-9, seconds);
                    long stepsLeft = totalSteps - ((long) epoch * stepsPerEpoch + b + 1);
                    progress.report(((double) epoch * stepsPerEpoch + b + 1) / totalSteps, String.format(Locale.ROOT,
                            "epoch %d/%d step %d/%d loss %.4f (%s) lr %.2e %.1f img/s ETA %s", epoch + 1, o.epochs(),
                            b + 1, stepsPerEpoch, value, format(parts), lr, rate,
                            eta(stepsLeft * o.batch() / Math.max(rate, 1e-9))));
                }
                Map<String, Double> metrics = validate(net, ps, loss, config, val.isEmpty() ? train : val, crops,
                        unusable, log, o.batch(), manager);
                metrics.put("epoch", (double) epoch + 1);
                metrics.put("train_loss", lossCount == 0 ? Double.NaN : lossSum / lossCount);
                metrics.put("seconds", (System.nanoTime() - t0) / 1e9);
                state.history.add(metrics);
                state.epoch = epoch + 1;
                double v = metrics.get("val_loss");
                boolean best = v < state.bestValLoss;
                if (best) {
                    state.bestValLoss = v;
                    state.bestEpoch = epoch + 1;
                    state.sinceBest = 0;
                    writeModel(net, config, o, out, metrics, samples, cardNotes);
                } else {
                    state.sinceBest++;
                }
                writeCheckpoint(checkpoint, net, adam, state);
                writeHistory(trainingDir.resolve("history.csv"), state.history);
                log.accept(String.format(Locale.ROOT, "epoch %d/%d: %s%s", epoch + 1, o.epochs(), format(metrics),
                        best ? " (best so far, saved)" : ""));
                if (o.patience() > 0 && state.sinceBest >= o.patience()) {
                    log.accept("early stop: no better validation loss for " + o.patience() + " epochs");
                    stopped = true;
                    break;
                }
            }
            if (!unusable.isEmpty()) {
                log.accept(unusable.size() + " samples were skipped as unusable (unreadable or no face)");
            }
            Map<String, Double> bestMetrics = state.bestEpoch == 0 ? Map.of()
                    : state.history.get(state.bestEpoch - 1);
            return new Result(out, state.epoch, state.bestEpoch, bestMetrics, stopped);
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
     * Training speed for {@code faceattr bench --stage train}: the real training step (forward,
     * masked loss, backward, clipping, AdamW) on random crops with every label, after warm-up steps.
     *
     * @param inputSize the crop side
     * @param batch faces per step
     * @param steps timed steps (the median is reported)
     * @return the median milliseconds per step
     * @throws FaceAttrException when the engine fails
     */
    public static double benchmarkStepMillis(int inputSize, int batch, int steps) throws FaceAttrException {
        TrainOptions o = TrainOptions.builder().setName("bench").optInputSize(inputSize).optBatch(batch).build();
        ModelConfig config = config(o);
        try (NDManager manager = Engines.newManager()) {
            MultiTaskNet net = new MultiTaskNet(config);
            net.initialize(manager);
            net.prepareForTraining();
            AdamW adam = new AdamW(manager, 0.9, 0.999, 1e-8, o.weightDecay());
            ParameterStore ps = new ParameterStore(manager, false);
            MultiTaskLoss loss = MultiTaskLoss.defaults();
            Random r = new Random(1);
            List<RgbImage> crops = new ArrayList<>();
            List<FaceLabels> labels = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                byte[] px = new byte[inputSize * inputSize * 3];
                r.nextBytes(px);
                crops.add(new RgbImage(inputSize, inputSize, px));
                int age = r.nextInt(90);
                labels.add(new FaceLabels((double) age, LabelSpaces.ageGroupOf(age), r.nextInt(2), r.nextInt(7), null,
                        r.nextInt(7)));
            }
            double[] t = new double[steps];
            for (int i = -2; i < steps; i++) {
                long t0 = System.nanoTime();
                step(net, ps, loss, adam, config, o, crops, labels, 1e-4, manager, 0, 0, new LinkedHashMap<>());
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            java.util.Arrays.sort(t);
            return t[steps / 2];
        }
    }

    /** The network configuration of the options: the default grouping restricted to the tasks. */
    static ModelConfig config(TrainOptions o) {
        List<TaskGroup> groups = new ArrayList<>();
        for (TaskGroup g : TaskGroup.eachOwnBranch()) {
            Set<Task> keep = new java.util.TreeSet<>(g.tasks());
            keep.retainAll(o.tasks());
            if (!keep.isEmpty()) {
                groups.add(new TaskGroup(g.name(), keep));
            }
        }
        return ModelConfig.builder().optInputSize(o.inputSize()).optBranchPoint(o.branchPoint())
                .optTaskGroups(groups).build();
    }

    private static RgbImage crop(CropSource crops, Sample s, Set<String> unusable, Consumer<String> log) {
        String key = s.image().toAbsolutePath().toString(); // ids repeat across datasets (train/1.jpg)
        if (unusable.contains(key)) {
            return null;
        }
        try {
            return crops.crop(s);
        } catch (CropSource.Unusable e) {
            unusable.add(key);
            log.accept("skipped " + s.source() + " " + e.getMessage());
            return null;
        }
    }

    /** One optimisation step; returns the batch's loss. */
    private static double step(MultiTaskNet net, ParameterStore ps, MultiTaskLoss loss, AdamW adam, ModelConfig config,
            TrainOptions o, List<RgbImage> crops, List<FaceLabels> labels, double lr, NDManager manager, int epoch,
            int batch, Map<String, Double> parts) throws FaceAttrException {
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(AttributeTranslator.normalise(crops, 255, MultiTaskEstimator.IMAGENET_MEAN,
                    MultiTaskEstimator.IMAGENET_STD), new Shape(crops.size(), 3, o.inputSize(), o.inputSize()));
            float value;
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDList logits = net.forward(ps, new NDList(x), true);
                LossResult r = loss.compute(allTasks(logits, config, sub), FaceLabels.toBatch(masked(labels, config)));
                NDArray total = r.total();
                value = total.getFloat();
                for (Task t : config.tasks()) {
                    if (r.labelled(t) > 0) {
                        parts.put(t.key(), (double) r.loss(t).getFloat());
                    }
                }
                if (!Float.isFinite(value)) {
                    throw new FaceAttrException(null, "the loss became " + value + " at epoch " + (epoch + 1)
                            + ", batch " + (batch + 1) + "; training stopped (the last checkpoint and the best model "
                            + "are kept). Lower the learning rate (--lr) or check the data.", null);
                }
                gc.backward(total);
            }
            List<Pair<String, Parameter>> trained = new ArrayList<>();
            NDList norms = new NDList();
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trained.add(p);
                    NDArray g = p.getValue().getArray().getGradient();
                    NDArray square = g.square(); // lives in the weights' manager: closed here
                    NDArray sq = square.sum();
                    sq.attach(sub);
                    square.close();
                    g.close();
                    norms.add(sq);
                }
            }
            double norm = Math.sqrt(NDArrays.stack(norms).sum().getFloat());
            if (!Double.isFinite(norm)) {
                throw new FaceAttrException(null, "the gradients became " + norm + " at epoch " + (epoch + 1)
                        + ", batch " + (batch + 1) + "; training stopped (the last checkpoint and the best model are "
                        + "kept). Lower the learning rate (--lr) or check the data.", null);
            }
            double scale = o.clipNorm() > 0 && norm > o.clipNorm() ? o.clipNorm() / norm : 1;
            adam.nextStep();
            try (Autograd.Scope noGrad = Autograd.disable()) {
                for (Pair<String, Parameter> p : trained) {
                    NDArray w = p.getValue().getArray();
                    NDArray g = w.getGradient();
                    if (scale != 1) {
                        g.muli(scale);
                    }
                    adam.update(p.getKey(), w, g, lr);
                    // PyTorch accumulates gradients; DJL's collector zeroes only arrays of its system
                    // manager, not these, so each step clears its own (or a resumed run would differ).
                    g.subi(g);
                    g.close();
                }
            }
            return value;
        }
    }

    /** The network's outputs in Task order, zeros (no gradient) for tasks it does not have. */
    static NDList allTasks(NDList logits, ModelConfig config, NDManager m) {
        List<Task> tasks = config.tasks();
        NDList out = new NDList();
        long n = logits.get(0).getShape().get(0);
        for (Task t : Task.values()) {
            int i = tasks.indexOf(t);
            out.add(i >= 0 ? logits.get(i) : m.zeros(new Shape(n, t.classes(config.ageBins()))));
        }
        return out;
    }

    /** Drops the labels of tasks the network does not have. */
    static List<FaceLabels> masked(List<FaceLabels> labels, ModelConfig config) {
        List<Task> t = config.tasks();
        List<FaceLabels> out = new ArrayList<>(labels.size());
        for (FaceLabels l : labels) {
            out.add(new FaceLabels(t.contains(Task.AGE) ? l.age() : null,
                    t.contains(Task.AGE_GROUP) ? l.ageGroup() : null, t.contains(Task.GENDER) ? l.gender() : null,
                    t.contains(Task.RACE) ? l.race7() : null, t.contains(Task.RACE) ? l.race5() : null,
                    t.contains(Task.EMOTION) ? l.emotion() : null));
        }
        return out;
    }

    /** The class balanced sampling equalises: per source, its main label. */
    static int balanceClass(Sample s) {
        FaceLabels l = s.labels();
        if (l.emotion() != null) {
            return l.emotion();
        }
        if (l.race7() != null) {
            return l.race7();
        }
        if (l.race5() != null) {
            return l.race5();
        }
        return l.ageGroup() != null ? l.ageGroup() : l.gender() != null ? l.gender() : 0;
    }

    /** Linear warm-up, then cosine decay to 1 % of the peak. */
    static double learningRate(TrainOptions o, long step, int stepsPerEpoch, long totalSteps) {
        double warm = o.warmupEpochs() * stepsPerEpoch;
        if (step <= warm) {
            return o.learningRate() * step / warm;
        }
        double t = (step - warm) / Math.max(1, totalSteps - warm);
        double min = o.learningRate() * 0.01;
        return min + (o.learningRate() - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t)));
    }

    /**
     * Validation: the mean loss and, where labels exist, age MAE and per-task accuracy. The model
     * is chosen by the loss; the accuracies go to the log, the history and the model card.
     */
    static Map<String, Double> validate(MultiTaskNet net, ParameterStore ps, MultiTaskLoss loss, ModelConfig config,
            List<Sample> val, CropSource crops, Set<String> unusable, Consumer<String> log, int batch,
            NDManager manager) {
        double lossSum = 0;
        int count = 0;
        List<Evaluation.Prediction> predictions = new ArrayList<>();
        for (int from = 0; from < val.size(); from += batch) {
            List<RgbImage> c = new ArrayList<>();
            List<FaceLabels> l = new ArrayList<>();
            for (Sample s : val.subList(from, Math.min(val.size(), from + batch))) {
                RgbImage img = crop(crops, s, unusable, log);
                if (img != null) {
                    c.add(img);
                    l.add(s.labels());
                }
            }
            if (c.isEmpty()) {
                continue;
            }
            try (NDManager sub = manager.newSubManager(); Autograd.Scope noGrad = Autograd.disable()) {
                NDArray x = sub.create(AttributeTranslator.normalise(c, 255, MultiTaskEstimator.IMAGENET_MEAN,
                        MultiTaskEstimator.IMAGENET_STD), new Shape(c.size(), 3, config.inputSize(), config.inputSize()));
                NDList logits = net.forward(ps, new NDList(x), false);
                NDList all = allTasks(logits, config, sub);
                lossSum += loss.compute(all, FaceLabels.toBatch(masked(l, config))).total().getFloat() * c.size();
                count += c.size();
                predictions.addAll(Evaluation.predictions(all, l, config.tasks(), config.ageBins()));
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("val_loss", count == 0 ? Double.NaN : lossSum / count);
        Map<String, Double> m = Evaluation.metrics(predictions);
        m.remove("n");
        out.putAll(m);
        return out;
    }

    private static void writeModel(MultiTaskNet net, ModelConfig config, TrainOptions o, Path out,
            Map<String, Double> metrics, List<Sample> samples, Map<String, Object> notes) throws FaceAttrException {
        Map<String, Object> data = new LinkedHashMap<>(notes);
        Map<String, Integer> perSource = new LinkedHashMap<>();
        samples.forEach(s -> perSource.merge(s.source() + "/" + s.split().name().toLowerCase(Locale.ROOT), 1,
                Integer::sum));
        data.put("samples", perSource);
        data.put("tasks", o.tasks().stream().map(Task::key).toList());
        data.put("epochs", o.epochs());
        data.put("batch", o.batch());
        data.put("learning_rate", o.learningRate());
        data.put("seed", o.seed());
        Map<String, Double> finite = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                finite.put(k, v);
            }
        });
        ModelCard card = MultiTaskEstimator.defaultCard(o.name(), config).toBuilder().optTrainingData(data)
                .optMetrics(finite).build();
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
            shapes.put(p.getKey(), p.getValue().getArray().getShape().getShape());
        }
        ModelFolder.write(out, card, values, shapes);
    }

    private static void writeCheckpoint(Path dir, MultiTaskNet net, AdamW adam, TrainingState state)
            throws FaceAttrException {
        try {
            AtomicFiles.replaceDirectory(dir, tmp -> {
                Map<String, Tensor> params = new LinkedHashMap<>();
                for (Pair<String, Parameter> p : net.getParameters()) {
                    NDArray a = p.getValue().getArray();
                    params.put(p.getKey(), Tensor.f32(a.getShape().getShape(), a.toFloatArray()));
                }
                writeTensors(tmp.resolve("parameters.safetensors"), params);
                Map<String, Tensor> opt = new LinkedHashMap<>();
                adam.state().forEach((k, a) -> opt.put(k, Tensor.f32(a.getShape().getShape(), a.toFloatArray())));
                writeTensors(tmp.resolve("optimizer.safetensors"), opt);
                Files.writeString(tmp.resolve("state.json"), state.toJson(), StandardCharsets.UTF_8);
            });
        } catch (IOException e) {
            throw new FaceAttrException(dir, "cannot write the checkpoint (" + e.getMessage() + "); check the free space "
                    + "and that the output folder is writable", e);
        }
    }

    private static void writeTensors(Path file, Map<String, Tensor> tensors) throws IOException {
        try {
            SafeTensorsWriter.write(file, tensors, Map.of());
        } catch (FaceAttrException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static TrainingState loadCheckpoint(Path dir, MultiTaskNet net, AdamW adam, String fingerprint)
            throws FaceAttrException {
        TrainingState state;
        try {
            state = TrainingState.fromJson(Files.readString(dir.resolve("state.json")));
        } catch (IOException | JsonParseException | IllegalArgumentException e) {
            throw new FaceAttrException(dir.resolve("state.json"), "cannot read the checkpoint state (" + e.getMessage()
                    + "); delete " + dir + " to start over", e);
        }
        if (!fingerprint.equals(state.fingerprint)) {
            throw new FaceAttrException(dir, "the checkpoint was made with other options (" + state.fingerprint
                    + "; now " + fingerprint + "); resume with the same options or train into "
                    + "another folder", null);
        }
        SafeTensorsFile params = SafeTensorsReader.read(dir.resolve("parameters.safetensors"));
        for (Pair<String, Parameter> p : net.getParameters()) {
            Tensor t = params.tensor(p.getKey());
            if (t == null) {
                throw new FaceAttrException(dir, "the checkpoint lacks " + p.getKey() + "; delete it to start over", null);
            }
            p.getValue().getArray().set(java.nio.FloatBuffer.wrap(t.toFloatArray()));
        }
        SafeTensorsFile opt = SafeTensorsReader.read(dir.resolve("optimizer.safetensors"));
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : opt.names()) {
            values.put(name, opt.tensor(name).toFloatArray());
            shapes.put(name, opt.tensor(name).shape());
        }
        adam.restore(values, shapes, state.step);
        return state;
    }

    /** Loads the tensors of a model folder whose names and shapes match; returns how many. */
    static int loadWeights(ModelFolder folder, MultiTaskNet net) {
        int n = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (folder.names().contains(p.getKey())
                    && java.util.Arrays.equals(folder.shape(p.getKey()), a.getShape().getShape())) {
                a.set(java.nio.FloatBuffer.wrap(folder.tensor(p.getKey())));
                n++;
            }
        }
        return n;
    }

    /**
     * @return a short hash of the samples and their splits: the data, the validation fraction and
     *     the age range a resumed run must share with the checkpoint
     */
    static String dataKey(List<Sample> samples) {
        List<String> keys = new ArrayList<>();
        for (Sample s : samples) {
            keys.add(s.source() + ":" + s.image().toAbsolutePath() + ":" + s.split());
        }
        java.util.Collections.sort(keys);
        return Integer.toHexString(keys.hashCode()) + "/" + keys.size();
    }

    /** The options a checkpoint must share with the run that resumes it (not the epoch count). */
    static String fingerprint(TrainOptions o) {
        return "input=" + o.inputSize() + " branch=" + o.branchPoint() + " tasks="
                + o.tasks().stream().map(Task::key).toList() + " batch=" + o.batch() + " lr=" + o.learningRate()
                + " wd=" + o.weightDecay() + " warmup=" + o.warmupEpochs() + " clip=" + o.clipNorm() + " epoch_size="
                + o.epochSize() + " ratios=" + new java.util.TreeMap<>(o.ratios()) + " balanced=" + o.classBalanced()
                + " augment=" + o.augment() + " seed=" + o.seed() + " bn_momentum=" + o.bnMomentum();
    }

    private static void writeHistory(Path file, List<Map<String, Double>> history) throws FaceAttrException {
        List<String> cols = new ArrayList<>();
        history.forEach(h -> h.keySet().forEach(k -> {
            if (!cols.contains(k)) {
                cols.add(k);
            }
        }));
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Double> h : history) {
            List<String> r = new ArrayList<>();
            for (String c : cols) {
                Double v = h.get(c);
                r.add(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
            }
            rows.add(r);
        }
        faceattr.io.Csv.write(file, cols, rows);
    }

    private static String format(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> {
            if (!k.equals("epoch")) {
                sb.append(sb.length() == 0 ? "" : " ").append(k).append('=')
                        .append(String.format(Locale.ROOT, k.equals("seconds") ? "%.1f" : "%.4f", v));
            }
        });
        return sb.toString();
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}

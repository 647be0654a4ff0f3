package faceattr.detect.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.data.Split;
import faceattr.data.detection.DetectionSample;
import faceattr.data.detection.DetectionSet;
import faceattr.detect.Box;
import faceattr.detect.DetectorNets;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.io.ImageFiles;
import faceattr.train.AdamW;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Fine-tunes the cascade stage by stage on an annotated set (docs/detection-training.md), as
 * MTCNN trains it: each stage on square crops mined from the training images ({@link CropMiner}),
 * resized to its input (12, 24, 48 px), with the face classification loss over positives and
 * negatives (online hard example mining: the hardest 70 % of each batch), the box regression
 * loss over positives and part faces, and for O-Net the landmark loss over positives with
 * landmarks, weighted 1 : 0.5 : 0.5 (P-Net, R-Net) and 1 : 0.5 : 1 (O-Net). By default only the
 * receptive-field blocks and the output heads train, the pretrained cascade frozen; {@code all}
 * fine-tunes every weight. AdamW. After each stage the detector folder is written as a whole, so
 * an interrupted run leaves the stages finished so far.
 */
public final class DetectorTrainer {
    /** The share of each batch's classification samples that the loss keeps (the hardest). */
    static final double OHEM_KEEP = 0.7;
    /** Images decoded and mined together; their crops are shuffled among themselves. */
    static final int CHUNK = 32;

    /**
     * @param stages the stages to train, in cascade order ({@code pnet}, {@code rnet}, {@code onet})
     * @param epochs passes over the training images per stage
     * @param batch crops per step
     * @param lr AdamW's learning rate
     * @param trainAll fine-tune every weight, not only the blocks and the heads
     * @param seed the run's seed: crops, order and initial state depend on it only
     * @param minSize annotated faces smaller than this were made ignored regions by the loader; crops
     *     are at least this large
     * @param perFace positives, and as many part faces, mined around each face (MTCNN's proportions: 4)
     * @param negativesPerPositive random negatives per positive (MTCNN: 3)
     */
    public record Options(List<String> stages, int epochs, int batch, double lr, boolean trainAll, long seed,
            int minSize, int perFace, int negativesPerPositive) {
        /** Checks. */
        public Options {
            stages = List.copyOf(stages);
            if (stages.isEmpty() || !faceattr.detect.DetectorFolder.STAGES.containsAll(stages)) {
                throw new IllegalArgumentException("stages must be some of pnet, rnet, onet, got " + stages);
            }
            if (epochs < 1 || batch < 2 || !(lr > 0) || minSize < 1) {
                throw new IllegalArgumentException("need epochs >= 1, batch >= 2, lr > 0 and minSize >= 1");
            }
            if (perFace < 1 || negativesPerPositive < 0) {
                throw new IllegalArgumentException("need at least 1 crop per face and 0 or more negatives per positive");
            }
        }

        /** With MTCNN's crop proportions (4 positives and 4 part faces per face, 3 negatives per positive). */
        public Options(List<String> stages, int epochs, int batch, double lr, boolean trainAll, long seed, int minSize) {
            this(stages, epochs, batch, lr, trainAll, seed, minSize, 4, 3);
        }

        /** @return the crop mining of these options */
        CropMiner.Options mining() {
            CropMiner.Options s = CropMiner.Options.standard(minSize);
            return new CropMiner.Options(s.positiveIou(), s.partIou(), s.negativeIou(), perFace, negativesPerPositive,
                    s.minNegatives(), s.perHardNegative(), minSize);
        }

        /**
         * @param list stage names separated by commas, e.g. {@code pnet,rnet}
         * @return the names, trimmed, empty entries left out (the constructor checks them)
         */
        public static List<String> stages(String list) {
            return java.util.Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }

        /** The defaults: every stage, 3 epochs, batch 64, lr 1e-3, blocks and heads, seed 42, 12 px. */
        public static Options defaults() {
            return new Options(faceattr.detect.DetectorFolder.STAGES, 3, 64, 1e-3, false, 42, 12);
        }
    }

    /**
     * What a run did.
     *
     * @param metrics per stage, the last epoch's training figures (losses, classification accuracy,
     *     crops seen)
     * @param folder the detector folder written
     */
    public record Result(Map<String, Map<String, Object>> metrics, Path folder) {
    }

    private final Options options;

    /** @param options the options */
    public DetectorTrainer(Options options) {
        this.options = options;
    }

    /**
     * @param set the annotated set; its training split trains (all images when it has none)
     * @param out the detector folder to write
     * @param resume continue the run whose checkpoint is beside {@code out}
     * @param progress progress and cancellation (the last finished epoch's checkpoint and the stages
     *     finished so far stay; {@code resume} continues)
     * @param log one line per epoch
     * @param gpu the GPU, or -1 for the CPU
     * @return the figures and the folder
     * @throws FaceAttrException when the nets cannot load, an image set has no usable image, the loss
     *     stops being finite, the folder cannot be written, a fresh run would overwrite a run's folder,
     *     or a resume finds no checkpoint or one of other options or data
     */
    public Result run(DetectionSet set, Path out, boolean resume, Progress progress, Consumer<String> log, int gpu)
            throws FaceAttrException {
        List<DetectionSample> train = set.samples().stream().filter(s -> s.split() != Split.VAL).toList();
        if (train.isEmpty()) {
            train = set.samples();
        }
        if (train.isEmpty()) {
            throw new FaceAttrException(null, "no training image in " + set.report().dataset(), null);
        }
        String optionsKey = fingerprint();
        String dataKey = train.size() + " images, " + Integer.toHexString(train.stream().map(DetectionSample::id)
                .toList().hashCode());
        DetectorCheckpoint cp = DetectorCheckpoint.read(out);
        if (resume) {
            if (cp == null) {
                throw new FaceAttrException(DetectorCheckpoint.dir(out), "nothing to resume: no checkpoint here; run "
                        + "without --resume", null);
            }
            if (!cp.options().equals(optionsKey)) {
                throw new FaceAttrException(out, "the run was started with " + cp.options() + ", not " + optionsKey
                        + "; resume with its options (only --epochs may change), or start again into another folder",
                        null);
            }
            if (!cp.data().equals(dataKey)) {
                throw new FaceAttrException(out, "the run was started on other data (" + cp.data() + ", now " + dataKey
                        + "); resume with the same --data, or start again into another folder", null);
            }
        } else if (cp != null || Files.isRegularFile(out.resolve(faceattr.detect.DetectorFolder.CARD))) {
            throw new FaceAttrException(out, "a detector run is there already; add --resume to continue it, or choose "
                    + "another --out", null);
        }
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        int start = resume ? cp.stage() : 0;
        for (int si = 0; si < start && si < options.stages().size(); si++) {
            done.add(options.stages().get(si));
        }
        if (resume && start > 0) {
            Object earlier = faceattr.detect.DetectorFolder.read(out).fields().get("metrics");
            if (earlier instanceof Map<?, ?> em) {
                em.forEach((k, v) -> {
                    if (v instanceof Map<?, ?> mv) {
                        Map<String, Object> copy = new LinkedHashMap<>();
                        mv.forEach((a, b) -> copy.put((String) a, b));
                        metrics.put((String) k, copy);
                    }
                });
            }
        }
        // The blocks' branches start from random weights: drawn from the run's seed.
        Engines.engine().setRandomSeed((int) options.seed());
        try (DetectorNets nets = DetectorNets.load(null, true, gpu)) {
            for (int si = start; si < options.stages().size(); si++) {
                String stage = options.stages().get(si);
                Map<String, List<Box>> proposals = proposals(stage, train, done.isEmpty() ? null : out, progress,
                        log);
                DetectorCheckpoint from = resume && si == start ? cp : null;
                Position at = new Position(si, optionsKey, dataKey, out);
                Map<String, Object> m = trainStage(nets, stage, train, at, from, proposals, progress, log);
                metrics.put(stage, m);
                done.add(stage);
                nets.save(out, card(set, train, done, metrics));
                try (NDManager empty = nets.manager().newSubManager()) {
                    new DetectorCheckpoint(si + 1, 0, 0, optionsKey, dataKey).write(out, nets,
                            new AdamW(empty, 0.9, 0.999, 1e-8, 0.0));
                }
                log.accept(stage + ": trained; detector written to " + out);
            }
        }
        return new Result(metrics, out);
    }

    /** Where a stage writes its checkpoints. */
    private record Position(int stage, String options, String data, Path out) {
    }

    /** @return what a resume must match: every option but the epochs */
    private String fingerprint() {
        return String.format(Locale.ROOT, "stages=%s batch=%d lr=%s train=%s seed=%d min_size=%d crops_per_face=%d "
                + "negatives_per_positive=%d", String.join(",", options.stages()), options.batch(),
                Double.toString(options.lr()), options.trainAll() ? "all" : "rfe", options.seed(), options.minSize(),
                options.perFace(), options.negativesPerPositive());
    }

    private Map<String, Object> card(DetectionSet set, List<DetectionSample> train, List<String> done,
            Map<String, Map<String, Object>> metrics) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("stages_trained", List.copyOf(done));
        c.put("trained", options.trainAll() ? "all" : "rfe blocks and heads");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("set", set.report().dataset());
        data.put("training_images", train.size());
        data.put("training_faces", train.stream().mapToInt(DetectionSample::scoredFaces).sum());
        data.put("hard_negatives", train.stream().mapToInt(s -> s.hardNegatives().size()).sum());
        c.put("data", data);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("epochs", options.epochs());
        o.put("batch", options.batch());
        o.put("lr", options.lr());
        o.put("seed", options.seed());
        o.put("min_size", options.minSize());
        o.put("crops_per_face", options.perFace());
        o.put("negatives_per_positive", options.negativesPerPositive());
        c.put("options", o);
        c.put("metrics", metrics);
        c.put("created", java.time.OffsetDateTime.now().withNano(0).toString());
        return c;
    }

    /**
     * R-Net and O-Net also learn from the boxes the stages before them pass on (MTCNN's hard
     * example mining): the detector as trained so far (the folder written after the last stage,
     * else the pretrained cascade) runs on every training image once per stage.
     *
     * @return per image id, the candidates the stage will receive; empty for P-Net
     */
    private Map<String, List<Box>> proposals(String stage, List<DetectionSample> train, Path folder,
            Progress progress, Consumer<String> log) throws FaceAttrException {
        int before = faceattr.detect.DetectorFolder.STAGES.indexOf(stage);
        Map<String, List<Box>> out = new java.util.HashMap<>();
        if (before == 0) {
            return out;
        }
        faceattr.detect.DetectorSettings s = faceattr.detect.DetectorSettings.builder()
                .optMinFace(Math.max(12, options.minSize())).optRfe(true).optDetector(folder).build();
        int total = 0;
        try (faceattr.detect.RfemtcDetector d = faceattr.detect.RfemtcDetector.create(s)) {
            for (int i = 0; i < train.size(); i++) {
                DetectionSample sample = train.get(i);
                progress.report(options.stages().indexOf(stage) / (double) options.stages().size(), stage
                        + ": candidates of the earlier stages, image " + (i + 1) + "/" + train.size());
                progress.checkCancelled();
                try {
                    List<Box> boxes = d.proposals(ImageFiles.read(sample.image()), before);
                    out.put(sample.id(), boxes);
                    total += boxes.size();
                } catch (FaceAttrException e) {
                    // unreadable: named by the epoch loop
                }
            }
        }
        log.accept(String.format(Locale.ROOT, "%s: %d candidates of the earlier stages in %d images", stage, total,
                train.size()));
        return out;
    }

    /** The loss weights of a stage: classification, box, landmarks (MTCNN's). */
    private static double[] weights(String stage) {
        return stage.equals("onet") ? new double[] {1, 0.5, 1} : new double[] {1, 0.5, 0.5};
    }

    private Map<String, Object> trainStage(DetectorNets nets, String stage, List<DetectionSample> train, Position at,
            DetectorCheckpoint from, Map<String, List<Box>> proposals, Progress progress, Consumer<String> log)
            throws FaceAttrException {
        int stageIndex = at.stage();
        int size = DetectorNets.inputSize(stage);
        Set<String> trainable = new HashSet<>(nets.trainable(stage, options.trainAll()));
        List<Pair<String, Parameter>> params = new ArrayList<>();
        for (Pair<String, Parameter> p : nets.parameters(stage)) {
            boolean on = trainable.contains(p.getKey());
            p.getValue().freeze(!on);
            if (on) {
                params.add(p);
            }
        }
        CropMiner.Options mining = options.mining();
        Map<String, Object> last = new LinkedHashMap<>();
        try (NDManager stateManager = nets.manager().newSubManager()) {
            AdamW adam = new AdamW(stateManager, 0.9, 0.999, 1e-8, 0.0);
            int first = 0;
            if (from != null) {
                from.restore(at.out(), nets, adam);
                first = from.epochsDone();
                log.accept(String.format(Locale.ROOT, "%s: resumed after epoch %d", stage, first));
            }
            ParameterStore ps = new ParameterStore(nets.manager(), false);
            for (int epoch = first; epoch < options.epochs(); epoch++) {
                Random order = new Random(seed(stageIndex, epoch, -1));
                List<DetectionSample> images = new ArrayList<>(train);
                Collections.shuffle(images, order);
                double[] sums = new double[4]; // loss, cls, box, landmarks
                long[] counts = new long[4]; // steps, crops, cls samples right, cls samples
                List<RgbImage> pendingImages = new ArrayList<>();
                List<MinedCrop> pending = new ArrayList<>();
                for (int c = 0; c < images.size(); c += CHUNK) {
                    List<RgbImage> chunkImages = new ArrayList<>();
                    List<MinedCrop> chunkCrops = new ArrayList<>();
                    for (int k = c; k < Math.min(images.size(), c + CHUNK); k++) {
                        DetectionSample s = images.get(k);
                        RgbImage img;
                        try {
                            img = ImageFiles.read(s.image());
                        } catch (FaceAttrException e) {
                            if (epoch == 0) {
                                log.accept(stage + ": skipped (unreadable): " + e.getMessage());
                            }
                            continue;
                        }
                        Random rng = new Random(seed(stageIndex, epoch, train.indexOf(s)));
                        List<MinedCrop> mined = new ArrayList<>(CropMiner.mine(img.width(), img.height(), s.faces(),
                                s.hardNegatives(), s.exhaustive(), rng, mining));
                        mined.addAll(fromProposals(proposals.getOrDefault(s.id(), List.of()), s, rng, mining));
                        for (MinedCrop m : mined) {
                            chunkImages.add(img);
                            chunkCrops.add(m);
                        }
                    }
                    // The same permutation for crops and their images.
                    long shuffleSeed = seed(stageIndex, epoch, images.size() + c);
                    Collections.shuffle(chunkImages, new Random(shuffleSeed));
                    Collections.shuffle(chunkCrops, new Random(shuffleSeed));
                    pendingImages.addAll(chunkImages);
                    pending.addAll(chunkCrops);
                    while (pending.size() >= options.batch()) {
                        step(nets, stage, size, ps, adam, params, pendingImages.subList(0, options.batch()),
                                pending.subList(0, options.batch()), epoch, (int) counts[0], sums, counts);
                        pendingImages.subList(0, options.batch()).clear();
                        pending.subList(0, options.batch()).clear();
                        if (progress.isCancelled()) {
                            throw new CancelledException();
                        }
                        progress.report(((stageIndex + (epoch + (c + 1.0) / images.size()) / options.epochs())
                                / options.stages().size()), String.format(Locale.ROOT, "%s epoch %d/%d: loss %.4f",
                                stage, epoch + 1, options.epochs(), sums[0] / counts[0]));
                    }
                }
                if (counts[0] == 0) {
                    throw new FaceAttrException(null, stage + ": the training images gave fewer than one batch of "
                            + options.batch() + " crops; give more images or a smaller batch", null);
                }
                last = new LinkedHashMap<>();
                last.put("epoch", epoch + 1);
                last.put("loss", sums[0] / counts[0]);
                last.put("classification_loss", sums[1] / counts[0]);
                last.put("box_loss", sums[2] / counts[0]);
                if (stage.equals("onet")) {
                    last.put("landmark_loss", sums[3] / counts[0]);
                }
                last.put("classification_accuracy", counts[3] == 0 ? 0.0 : counts[2] / (double) counts[3]);
                last.put("crops", counts[1]);
                log.accept(String.format(Locale.ROOT, "%s epoch %d/%d: loss=%.4f cls=%.4f box=%.4f acc=%.4f crops=%d",
                        stage, epoch + 1, options.epochs(), sums[0] / counts[0], sums[1] / counts[0],
                        sums[2] / counts[0], (Double) last.get("classification_accuracy"), counts[1]));
                new DetectorCheckpoint(stageIndex, epoch + 1, adam.step(), at.options(), at.data()).write(at.out(), nets,
                        adam);
            }
        } finally {
            for (Pair<String, Parameter> p : nets.parameters(stage)) {
                p.getValue().freeze(true);
            }
        }
        return last;
    }

    /**
     * @return the earlier stages' candidates as crops: every positive and part face, and (in images
     *     whose faces are all annotated) negatives up to three per positive (at least
     *     {@link CropMiner.Options#minNegatives()}), chosen at random
     */
    static List<MinedCrop> fromProposals(List<Box> boxes, DetectionSample s, Random rng, CropMiner.Options o) {
        List<MinedCrop> keep = new ArrayList<>();
        List<MinedCrop> negatives = new ArrayList<>();
        for (Box b : boxes) {
            MinedCrop c = b.width() >= o.minSide() ? CropMiner.label(b, s.faces(), o) : null;
            if (c == null) {
                continue;
            }
            (c.kind() == CropKind.NEGATIVE ? negatives : keep).add(c);
        }
        long positives = keep.stream().filter(c -> c.kind() == CropKind.POSITIVE).count();
        Collections.shuffle(negatives, rng);
        // Not exhaustive (CelebA): a "negative" may be a face nobody marked.
        int quota = !s.exhaustive() ? 0 : (int) Math.max(o.minNegatives(), o.negativesPerPositive() * positives);
        keep.addAll(negatives.subList(0, Math.min(quota, negatives.size())));
        return keep;
    }

    /** The seed of one stage, epoch and image (or -1 for the epoch's order): the run's seed decides all. */
    private long seed(int stage, int epoch, int image) {
        return options.seed() * 1_000_003L + stage * 7_919L + epoch * 104_729L + image;
    }

    private void step(DetectorNets nets, String stage, int size, ParameterStore ps, AdamW adam,
            List<Pair<String, Parameter>> params, List<RgbImage> images, List<MinedCrop> crops, int epoch, int batch,
            double[] sums, long[] counts) throws FaceAttrException {
        int n = crops.size();
        float[] y = new float[n];
        float[] clsMask = new float[n];
        float[] box = new float[n * 4];
        float[] boxMask = new float[n];
        float[] lm = new float[n * 10];
        float[] lmMask = new float[n];
        List<Box> boxes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MinedCrop c = crops.get(i);
            boxes.add(c.box());
            clsMask[i] = c.kind() == CropKind.PART ? 0 : 1;
            y[i] = c.kind() == CropKind.POSITIVE ? 1 : 0;
            if (c.regression() != null) {
                boxMask[i] = 1;
                double[] r = c.regression();
                for (int k = 0; k < 4; k++) {
                    box[4 * i + k] = (float) r[k];
                }
            }
            if (c.landmarks() != null) {
                lmMask[i] = 1;
                double[] l = c.landmarks();
                for (int k = 0; k < 10; k++) {
                    lm[10 * i + k] = (float) l[k];
                }
            }
        }
        double[] w = weights(stage);
        try (NDManager sub = nets.manager().newSubManager()) {
            NDArray x = DetectorNets.crops(sub, images, boxes, size);
            float value;
            float[] parts = new float[3];
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDList out = nets.forward(stage, ps, x);
                NDArray p = out.get(0).clip(1e-6f, 1 - 1e-6f);
                NDArray yy = sub.create(y);
                NDArray ce = yy.mul(p.log()).add(yy.neg().add(1).mul(p.neg().add(1).log())).neg();
                // Online hard example mining: the hardest 70 % of the batch's classification samples.
                float[] ceValues = ce.toFloatArray();
                float[] pv = p.toFloatArray();
                List<Integer> cls = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (clsMask[i] > 0) {
                        cls.add(i);
                        counts[3]++;
                        if ((pv[i] > 0.5) == (y[i] > 0.5)) {
                            counts[2]++;
                        }
                    }
                }
                cls.sort((a, b) -> Float.compare(ceValues[b], ceValues[a]));
                int keep = Math.max(1, (int) Math.ceil(OHEM_KEEP * cls.size()));
                float[] ohem = new float[n];
                for (int i = 0; i < Math.min(keep, cls.size()); i++) {
                    ohem[cls.get(i)] = 1;
                }
                NDArray clsLoss = ce.mul(sub.create(ohem)).sum().div((float) Math.max(1, Math.min(keep, cls.size())));
                NDArray boxLoss = masked(out.get(1), sub.create(box).reshape(n, 4), boxMask, sub);
                NDArray total = clsLoss.mul((float) w[0]).add(boxLoss.mul((float) w[1]));
                parts[0] = clsLoss.getFloat();
                parts[1] = boxLoss.getFloat();
                if (out.size() > 2) {
                    NDArray lmLoss = masked(out.get(2), sub.create(lm).reshape(n, 10), lmMask, sub);
                    total = total.add(lmLoss.mul((float) w[2]));
                    parts[2] = lmLoss.getFloat();
                }
                value = total.getFloat();
                if (!Float.isFinite(value)) {
                    throw new FaceAttrException(null, "the " + stage + " loss became " + value + " at epoch "
                            + (epoch + 1) + ", batch " + (batch + 1) + "; training stopped (the stages finished "
                            + "before are kept). Lower the learning rate (--lr) or check the data.", null);
                }
                gc.backward(total);
            }
            adam.nextStep();
            try (Autograd.Scope noGrad = Autograd.disable()) {
                for (Pair<String, Parameter> prm : params) {
                    NDArray weight = prm.getValue().getArray();
                    NDArray g = weight.getGradient();
                    adam.update(stage + "." + prm.getKey(), weight, g, options.lr());
                    g.subi(g); // gradients accumulate; each step clears its own
                    g.close();
                }
            }
            sums[0] += value;
            sums[1] += parts[0];
            sums[2] += parts[1];
            sums[3] += parts[2];
            counts[0]++;
            counts[1] += n;
        }
    }

    /** @return the mean over masked samples of the summed squared error (0 when none is masked) */
    private static NDArray masked(NDArray pred, NDArray target, float[] mask, NDManager sub) {
        int m = 0;
        for (float v : mask) {
            m += v > 0 ? 1 : 0;
        }
        NDArray se = pred.sub(target).square().sum(new int[] {1});
        return se.mul(sub.create(mask)).sum().div((float) Math.max(1, m));
    }
}

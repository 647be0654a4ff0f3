package faceattr.estimate;

import faceattr.core.RgbImage;
import faceattr.labels.Task;
import faceattr.model.ModelConfig;
import faceattr.model.Outputs;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pre- and post-processing of the multi-task attribute network, nothing else: aligned RGB crops
 * to a normalised float NCHW batch, and the network's logits to {@link FaceAttributes}.
 *
 * <p><b>Why a translator over single crops.</b> It is a {@code Translator<RgbImage,
 * FaceAttributes>} whose {@link #batchProcessInput} and {@link #batchProcessOutput} build and
 * split the whole batch at once, so {@code predictor.batchPredict(crops)} runs one forward pass
 * of shape (N, 3, S, S) while {@code predictor.predict(crop)} still works for one face. The
 * per-item {@link #processInput}/{@link #processOutput} pair is consistent with
 * {@link Batchifier#STACK}, so the result is the same whichever path DJL takes.
 *
 * <p><b>Input</b>: crops of exactly S x S pixels, S = the model's input size (FaceAligner's
 * output); channel c becomes {@code (pixel / pixelScale - mean[c]) / std[c]}, the model card's
 * normalisation. <b>Output</b>: {@link Outputs#decode} probabilities; age mean and standard
 * deviation of the age-bin distribution; race null when the model has no race head.
 *
 * <p>Stateless and thread-safe; DJL still wants one {@code Predictor} per thread.
 */
public final class AttributeTranslator implements Translator<RgbImage, FaceAttributes> {
    private final ModelConfig config;
    private final String modelName;
    private final double pixelScale;
    private final float[] mean;
    private final float[] std;

    /**
     * @param config the network's configuration; it must have the AGE, AGE_GROUP, GENDER and
     *     EMOTION tasks (RACE is optional), which every {@link FaceAttributes} needs
     * @param modelName the model's name, recorded in every result
     * @param pixelScale the divisor mapping 8-bit values to the scale of mean and std (255)
     * @param mean per-channel mean, R G B
     * @param std per-channel standard deviation, R G B, positive
     * @throws IllegalArgumentException when a task is missing or mean/std are not 3 valid values
     */
    public AttributeTranslator(ModelConfig config, String modelName, double pixelScale, float[] mean, float[] std) {
        this.config = Objects.requireNonNull(config, "config");
        for (Task t : List.of(Task.AGE, Task.AGE_GROUP, Task.GENDER, Task.EMOTION)) {
            if (config.groupOf(t) < 0) {
                throw new IllegalArgumentException("the model has no " + t.key() + " head; attribute estimation "
                        + "needs age, age_group, gender and emotion");
            }
        }
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("the model name must not be blank");
        }
        this.modelName = modelName;
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("need 3 means and 3 stds (RGB), got " + mean.length + " and "
                    + std.length);
        }
        if (!(pixelScale > 0)) {
            throw new IllegalArgumentException("pixel scale must be positive, got " + pixelScale);
        }
        for (int c = 0; c < 3; c++) {
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + std[c]);
            }
        }
        this.pixelScale = pixelScale;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** @return the input side S in pixels */
    public int inputSize() {
        return config.inputSize();
    }

    /**
     * @return STACK, which matches the per-item pair; the batch methods are overridden and build
     *     the batch directly
     */
    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }

    /** One crop as (3, S, S). */
    @Override
    public NDList processInput(TranslatorContext ctx, RgbImage crop) {
        int s = checkSize(crop, 0);
        float[] data = normalise(List.of(crop), pixelScale, mean, std);
        return new NDList(ctx.getNDManager().create(data, new Shape(3, s, s)));
    }

    /** All crops as one (N, 3, S, S) array. */
    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<RgbImage> crops) {
        return new NDList(toBatch(ctx.getNDManager(), crops));
    }

    /** One face's logits, each (classes) or (1, classes). */
    @Override
    public FaceAttributes processOutput(TranslatorContext ctx, NDList list) {
        NDList rows = new NDList();
        for (NDArray a : list) {
            rows.add(a.getShape().dimension() == 1 ? a.reshape(1, a.getShape().get(0)) : a);
        }
        return decode(rows).get(0);
    }

    /** The batch's logits, each (N, classes). */
    @Override
    public List<FaceAttributes> batchProcessOutput(TranslatorContext ctx, NDList list) {
        return decode(list);
    }

    /**
     * Turns a batch of logits into attributes; public for callers that run the block themselves.
     *
     * @param logits the network's output, each (N, classes) in {@code config.tasks()} order
     * @return one entry per face
     */
    public List<FaceAttributes> decode(NDList logits) {
        List<Outputs.FaceScores> scores = Outputs.decode(config, logits);
        List<FaceAttributes> out = new ArrayList<>(scores.size());
        for (Outputs.FaceScores f : scores) {
            Map<Task, float[]> p = f.probabilities();
            out.add(FaceAttributes.builder().setModel(modelName).setAge(Math.max(0, f.ageYears()), f.ageStd())
                    .setAgeGroup(toDouble(p.get(Task.AGE_GROUP))).setGender(toDouble(p.get(Task.GENDER)))
                    .optRace(p.containsKey(Task.RACE) ? toDouble(p.get(Task.RACE)) : null)
                    .setEmotion(toDouble(p.get(Task.EMOTION))).build());
        }
        return out;
    }

    /**
     * Normalises crops into a new (N, 3, S, S) array, for callers that run the block themselves.
     *
     * @param manager the manager of the new array
     * @param crops S x S crops
     * @return the batch
     */
    public NDArray toBatch(NDManager manager, List<RgbImage> crops) {
        int s = config.inputSize();
        for (int i = 0; i < crops.size(); i++) {
            checkSize(crops.get(i), i);
        }
        return manager.create(normalise(crops, pixelScale, mean, std), new Shape(crops.size(), 3, s, s));
    }

    /**
     * The input normalisation of every model of this project, for code that builds batches
     * without a translator (training): channel c of pixel v becomes
     * {@code (v / pixelScale - mean[c]) / std[c]}, planar (N, 3, S, S).
     *
     * @param crops S x S crops
     * @param pixelScale the divisor mapping 8-bit values to the scale of mean and std (255)
     * @param mean per-channel mean, R G B
     * @param std per-channel standard deviation, R G B
     * @return N * 3 * S * S values
     */
    public static float[] normalise(List<RgbImage> crops, double pixelScale, float[] mean, float[] std) {
        if (crops.isEmpty()) {
            return new float[0];
        }
        int n = crops.get(0).width() * crops.get(0).height();
        float[] out = new float[crops.size() * 3 * n];
        for (int k = 0; k < crops.size(); k++) {
            byte[] rgb = crops.get(k).pixels();
            if (rgb.length != 3 * n) {
                throw new IllegalArgumentException("crop " + k + " has another size than crop 0");
            }
            for (int c = 0; c < 3; c++) {
                // x = (p / s - m) / d = p * (1 / (s d)) - m / d
                float a = (float) (1.0 / (pixelScale * std[c]));
                float b = -mean[c] / std[c];
                int o = (k * 3 + c) * n;
                for (int i = 0, j = c; i < n; i++, j += 3) {
                    out[o + i] = (rgb[j] & 0xff) * a + b;
                }
            }
        }
        return out;
    }

    private int checkSize(RgbImage crop, int index) {
        int s = config.inputSize();
        if (crop.width() != s || crop.height() != s) {
            throw new IllegalArgumentException("crop " + index + " is " + crop.width() + "x" + crop.height()
                    + " pixels; the model needs aligned crops of " + s + "x" + s);
        }
        return s;
    }

    private static double[] toDouble(float[] p) {
        double[] d = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            // float softmax outputs can round a hair outside [0, 1]
            d[i] = Math.min(1.0, Math.max(0.0, p[i]));
        }
        return d;
    }
}

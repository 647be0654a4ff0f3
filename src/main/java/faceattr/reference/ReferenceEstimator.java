package faceattr.reference;

import faceattr.engine.InferenceEngine;
import faceattr.engine.OrtNet;
import faceattr.io.onnx.OnnxGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.estimate.AttributeEstimator;
import faceattr.estimate.FaceAttributes;
import faceattr.image.ImageOps;
import faceattr.io.tfjs.TfjsWeights;
import faceattr.labels.LabelSpaces;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The pretrained reference estimators of face-api ({@code @vladmandic/face-api@1.7.15}, MIT):
 * TinyXception for age and gender, the dense-block net for the 7 expressions. They have no race
 * output, so {@link FaceAttributes#has} for race is false. See docs/reference.md for the input
 * recipe, the label mapping and how the age uncertainty and age group are derived.
 *
 * <p>Not thread-safe: one instance per thread. Close it to free native memory.
 */
public final class ReferenceEstimator implements AttributeEstimator {
    /** The name written to the {@code model} column. */
    public static final String NAME = "reference";
    /** Class-path folder of the bundled weights, filled by the build. */
    public static final String WEIGHTS = "/faceattr/weights/faceapi/";
    /**
     * Standard deviation given to every age estimate, in years: face-api's published mean absolute
     * error (4.54 years) converted to the standard deviation of a normal error (MAE * sqrt(pi/2)).
     * The reference net gives no per-face uncertainty; this is its typical error, not a per-face one.
     */
    public static final double AGE_STD = 4.54 * Math.sqrt(Math.PI / 2);
    /** Faces per forward pass. */
    public static final int BATCH = 32;

    private final NDManager manager;
    private final FaceApiNets.AgeGender ageGender;
    private final FaceApiNets.Expression expression;
    private final ParameterStore params;
    /** Both nets on ONNX Runtime, or null when they run on PyTorch. */
    private final OrtNet ort;

    private ReferenceEstimator(NDManager manager, FaceApiNets.AgeGender ag, FaceApiNets.Expression ex, OrtNet ort) {
        this.manager = manager;
        this.ageGender = ag;
        this.expression = ex;
        this.params = manager == null ? null : new ParameterStore(manager, false);
        this.ort = ort;
    }

    /**
     * Loads the bundled weights.
     *
     * @throws FaceAttrException when the engine or the weights cannot be loaded
     */
    public static ReferenceEstimator create() throws FaceAttrException {
        return create(InferenceEngine.DEFAULT);
    }

    /**
     * Loads the bundled weights for an engine.
     *
     * @param engine where the nets run
     * @throws FaceAttrException when the engine or the weights cannot be loaded
     */
    public static ReferenceEstimator create(InferenceEngine engine) throws FaceAttrException {
        return create(TfjsWeights.readResource(ReferenceEstimator.class, WEIGHTS
                + "age_gender_model-weights_manifest.json"), TfjsWeights.readResource(ReferenceEstimator.class,
                WEIGHTS + "face_expression_model-weights_manifest.json"), engine);
    }

    /** As {@link #create(TfjsWeights, TfjsWeights, InferenceEngine)} on the default engine. */
    public static ReferenceEstimator create(TfjsWeights ageGenderWeights, TfjsWeights expressionWeights)
            throws FaceAttrException {
        return create(ageGenderWeights, expressionWeights, InferenceEngine.DEFAULT);
    }

    /**
     * Builds the estimators from given weights (tests use this to load altered copies).
     *
     * @param ageGenderWeights the age/gender manifest's tensors
     * @param expressionWeights the expression manifest's tensors
     * @param engine where the nets run; for ONNX Runtime the graph is written from the loaded
     *     weights ({@link #onnx()}) and the PyTorch copies are freed
     * @throws FaceAttrException when a tensor is missing or has another shape
     */
    public static ReferenceEstimator create(TfjsWeights ageGenderWeights, TfjsWeights expressionWeights,
            InferenceEngine engine) throws FaceAttrException {
        NDManager m = Engines.newManager();
        try {
            Shape in = new Shape(1, 3, FaceApiNets.INPUT, FaceApiNets.INPUT);
            FaceApiNets.AgeGender ag = new FaceApiNets.AgeGender();
            ag.initialize(m, DataType.FLOAT32, in);
            ag.load(ageGenderWeights);
            FaceApiNets.Expression ex = new FaceApiNets.Expression();
            ex.initialize(m, DataType.FLOAT32, in);
            ex.load(expressionWeights);
            ag.freezeParameters(true);
            ex.freezeParameters(true);
            if (engine == InferenceEngine.ONNXRUNTIME) {
                OrtNet net = OrtNet.open(onnx(ag, ex), "the reference estimators (face-api)");
                m.close();
                return new ReferenceEstimator(null, null, null, net);
            }
            return new ReferenceEstimator(m, ag, ex, null);
        } catch (FaceAttrException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static byte[] onnx(FaceApiNets.AgeGender ag, FaceApiNets.Expression ex) {
        OnnxGraph g = new OnnxGraph("face-api age, gender and expression");
        FaceApiNets.toOnnx(g, ag, ex);
        g.doc("face-api's AgeGenderNet (TinyXception) and FaceExpressionNet, weights of @vladmandic/face-api@1.7.15 "
                + "(MIT). Input: RGB 0..255, 112x112, channels last; crop as docs/reference.md describes.");
        g.metadata("expression_labels", String.join(",", faceattr.labels.LabelSpaces.EXPRESSION_FACE_API.classes()));
        g.metadata("gender_labels", "male,female");
        g.metadata("input", "RGB pixel values 0..255, (batch, 112, 112, 3), face-api's landmark crop");
        return g.toBytes();
    }

    /**
     * @return both nets as one ONNX model, for export ({@code faceattr models export-onnx reference})
     * @throws FaceAttrException when the weights cannot be loaded
     */
    public static byte[] onnx() throws FaceAttrException {
        try (ReferenceEstimator e = create(InferenceEngine.PYTORCH)) {
            return onnx(e.ageGender, e.expression);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean estimatesRace() {
        return false;
    }

    /**
     * face-api's crop: the square its landmark alignment gives ({@code FaceLandmarks.align}), here
     * from the 5 landmarks. Side = mean distance from each eye centre to the mouth centre / 0.45;
     * the centre of (left eye, right eye, mouth) sits at 50% across and 45% down. The square is
     * clipped to the image, zero-padded back to a centred square, and resized to 112 x 112.
     */
    @Override
    public RgbImage crop(RgbImage image, DetectedFace face) {
        int[] r = cropBox(face.landmarks(), image.width(), image.height());
        int w = r[2] - r[0];
        int h = r[3] - r[1];
        int side = Math.max(w, h);
        byte[] px = new byte[side * side * 3];
        int ox = (side - w) / 2;
        int oy = (side - h) / 2;
        byte[] src = image.pixels();
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, ((r[1] + y) * image.width() + r[0]) * 3, px, ((oy + y) * side + ox) * 3, w * 3);
        }
        return ImageOps.resize(new RgbImage(side, side, px), FaceApiNets.INPUT, FaceApiNets.INPUT);
    }

    /**
     * @return the crop box (x1, y1, x2, y2) clipped to the image, at least 1 x 1 pixel
     */
    static int[] cropBox(Landmarks lm, int width, int height) {
        double mx = (lm.x(3) + lm.x(4)) / 2;
        double my = (lm.y(3) + lm.y(4)) / 2;
        double d = (Math.hypot(mx - lm.x(0), my - lm.y(0)) + Math.hypot(mx - lm.x(1), my - lm.y(1))) / 2;
        double side = Math.max(1, Math.floor(d / 0.45));
        double cx = (lm.x(0) + lm.x(1) + mx) / 3;
        double cy = (lm.y(0) + lm.y(1) + my) / 3;
        int x1 = (int) Math.floor(cx - 0.5 * side);
        int y1 = (int) Math.floor(cy - 0.45 * side);
        int x2 = (int) (x1 + side);
        int y2 = (int) (y1 + side);
        x1 = Math.max(0, Math.min(width - 1, x1));
        y1 = Math.max(0, Math.min(height - 1, y1));
        x2 = Math.max(x1 + 1, Math.min(width, x2));
        y2 = Math.max(y1 + 1, Math.min(height, y2));
        return new int[] {x1, y1, x2, y2};
    }

    @Override
    public List<FaceAttributes> estimate(List<RgbImage> crops) throws FaceAttrException {
        List<FaceAttributes> out = new ArrayList<>(crops.size());
        for (int from = 0; from < crops.size(); from += BATCH) {
            List<RgbImage> batch = crops.subList(from, Math.min(crops.size(), from + BATCH));
            float[] nhwc = new float[batch.size() * 3 * FaceApiNets.INPUT * FaceApiNets.INPUT];
            int plane = FaceApiNets.INPUT * FaceApiNets.INPUT;
            for (int i = 0; i < batch.size(); i++) {
                RgbImage c = batch.get(i);
                if (c.width() != FaceApiNets.INPUT || c.height() != FaceApiNets.INPUT) {
                    throw new IllegalArgumentException("crop " + (from + i) + " is " + c.width() + "x" + c.height()
                            + "; the reference estimators need 112x112 crops from crop()");
                }
                System.arraycopy(ImageOps.toFloatHWC(c, 0f, 1f), 0, nhwc, i * 3 * plane, 3 * plane);
            }
            Raw r = run(nhwc, batch.size());
            for (int i = 0; i < batch.size(); i++) {
                out.add(toAttributes(r.age[i], new double[] {r.gender[2 * i], r.gender[2 * i + 1]},
                        java.util.Arrays.copyOfRange(r.expression, 7 * i, 7 * i + 7)));
            }
        }
        return out;
    }

    /** The nets' raw outputs: age (n), gender (n x 2, male first), expression (n x 7, face-api order). */
    record Raw(float[] age, float[] gender, float[] expression) {
    }

    /**
     * Runs both nets on raw pixel values.
     *
     * @param nhwc n x 112 x 112 x 3 RGB values 0..255, channels last as TF.js takes them
     * @param n the batch size
     */
    Raw run(float[] nhwc, int n) throws FaceAttrException {
        if (ort != null) {
            OrtNet.Outputs o = ort.run(nhwc, n, FaceApiNets.INPUT, FaceApiNets.INPUT, 3);
            return new Raw(o.get(0), o.get(1), o.get(2));
        }
        try (NDManager scope = manager.newSubManager(); Autograd.Scope noGrad = Autograd.disable()) {
            // An NCHW view of channels-last memory: oneDNN then runs its NHWC kernels, 2-3 ms per
            // photo faster on face-api's demo photos (convolutions 19.4 against 21.5 ms).
            NDArray x = scope.create(FloatBuffer.wrap(nhwc), new Shape(n, FaceApiNets.INPUT, FaceApiNets.INPUT, 3))
                    .transpose(0, 3, 1, 2);
            NDList ag = ageGender.forward(params, new NDList(x), false);
            NDList ex = expression.forward(params, new NDList(x), false);
            return new Raw(ag.get(0).toFloatArray(), ag.get(1).toFloatArray(), ex.get(0).toFloatArray());
        } catch (ai.djl.engine.EngineException e) {
            throw new FaceAttrException(null, "the reference estimators failed: " + e.getMessage(), e);
        }
    }

    static FaceAttributes toAttributes(double age, double[] gender, float[] expression) {
        double years = Math.max(0, age);
        double[] emotion = LabelSpaces.EXPRESSION_FACE_API_TO_EMOTION.mapProbabilities(toDouble(expression));
        return FaceAttributes.builder().setModel(NAME).setAge(years, AGE_STD)
                .setAgeGroup(ageGroupProbabilities(years, AGE_STD)).setGender(normalised(gender))
                .setEmotion(normalised(emotion)).build();
    }

    /**
     * @return the probability of each FairFace age group when the age is normal with this mean
     *     and standard deviation (group g covers [start g, start g+1) years; the first starts at
     *     minus infinity, the last has no end)
     */
    static double[] ageGroupProbabilities(double mean, double std) {
        int n = LabelSpaces.AGE_GROUP.size();
        double[] p = new double[n];
        double below = 0;
        for (int g = 0; g < n; g++) {
            double upTo = g + 1 < n ? normalCdf((LabelSpaces.ageGroupStart(g + 1) - mean) / std) : 1;
            p[g] = Math.max(0, upTo - below);
            below = upTo;
        }
        return normalised(p);
    }

    /** The standard normal CDF via erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] normalised(double[] p) {
        double s = 0;
        for (double v : p) {
            s += v;
        }
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] / s;
        }
        return out;
    }

    @Override
    public void close() {
        if (ort != null) {
            ort.close();
        } else {
            manager.close();
        }
    }
}

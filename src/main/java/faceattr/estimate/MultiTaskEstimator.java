package faceattr.estimate;

import faceattr.engine.InferenceEngine;
import faceattr.engine.OrtNet;
import faceattr.io.onnx.OnnxGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.labels.Task;
import faceattr.model.ModelConfig;
import faceattr.model.ModelConfigJson;
import faceattr.model.MultiTaskNet;
import faceattr.model.io.ModelCard;
import faceattr.model.io.ModelFolder;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.nn.Parameter;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Estimates face attributes with a {@link MultiTaskNet}: the one place that wires the network
 * into DJL (a {@link Model} holding the block, an {@link AttributeTranslator}, predictors).
 *
 * <p>Open a model folder with {@link #open(Path)}, or wrap a network in memory with
 * {@link #fromNet}; estimate with {@link #estimate(List)} (batches of {@value #DEFAULT_BATCH},
 * grad mode off), or take a {@link #newPredictor()} per worker thread. Close the estimator when
 * done: {@code try (MultiTaskEstimator e = MultiTaskEstimator.open(dir)) { ... }}.
 *
 * <p>Thread safety: {@link #estimate} may be called from several threads at once (each call uses
 * its own predictor); a {@link Predictor} itself belongs to one thread.
 */
public final class MultiTaskEstimator implements AttributeEstimator {
    /** Faces per forward pass in {@link #estimate(List)}. */
    public static final int DEFAULT_BATCH = 32;
    /** ImageNet channel means (R, G, B) of torchvision's weights, on pixel values / 255. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet channel standard deviations (R, G, B) of torchvision's weights, on pixel values / 255. */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private final Model model;
    private final MultiTaskNet net;
    private final ModelCard card;
    private final AttributeTranslator translator;
    /** The network on ONNX Runtime, written from its weights at opening; null on PyTorch. */
    private final OrtNet ort;

    private MultiTaskEstimator(Model model, MultiTaskNet net, ModelCard card, InferenceEngine engine)
            throws FaceAttrException {
        this.model = model;
        this.net = net;
        this.card = card;
        this.translator = new AttributeTranslator(net.config(), card.name(), card.pixelScale(), card.mean(),
                card.std());
        this.ort = engine == InferenceEngine.ONNXRUNTIME
                ? OrtNet.open(onnx(net, card), "the attribute network of model '" + card.name() + "'") : null;
    }

    /**
     * The network as an ONNX model with the card's facts in its metadata: the model name, the
     * label names of every output ({@code labels.<task>}, comma-separated, in output order), the
     * input recipe ({@code input}: size, layout, normalisation) and the parameters' SHA-256.
     *
     * @param net the network, weights loaded
     * @param card its card
     * @return the serialised model
     */
    public static byte[] onnx(MultiTaskNet net, ModelCard card) {
        OnnxGraph g = new OnnxGraph(card.name());
        net.toOnnx(g);
        ModelConfig c = net.config();
        int s = c.inputSize();
        g.doc("Face Attributes multi-task network '" + card.name() + "': MobileNetV3-Large with token attention, "
                + "branch point " + c.branchPoint() + ". Outputs are logits; apply softmax over axis 1. The age output "
                + "is a distribution over ages 0.." + (c.ageBins() - 1) + " years: its expectation is the age.");
        g.metadata("model", card.name());
        g.metadata("input", "aligned face crops (batch, 3, " + s + ", " + s + "), RGB planar, float32: channel c of "
                + "pixel value v (0..255) is (v / " + card.pixelScale() + " - mean[c]) / std[c]; align with the "
                + "5-point template of docs/facts.md");
        g.metadata("input.mean", java.util.Arrays.toString(card.mean()));
        g.metadata("input.std", java.util.Arrays.toString(card.std()));
        g.metadata("input.pixel_scale", Double.toString(card.pixelScale()));
        for (Task t : c.tasks()) {
            g.metadata("labels." + t.key(), String.join(",", labels(t, c)));
        }
        if (card.parametersSha256() != null) {
            g.metadata("parameters.sha256", card.parametersSha256());
        }
        g.metadata("software", ModelCard.softwareVersion());
        return g.toBytes();
    }

    /** @return this model as ONNX, as {@link #onnx(MultiTaskNet, ModelCard)} writes it */
    public byte[] onnx() {
        return onnx(net, card);
    }

    /** @return the engine this estimator runs on */
    public InferenceEngine engine() {
        return ort != null ? InferenceEngine.ONNXRUNTIME : InferenceEngine.PYTORCH;
    }

    /**
     * Opens a model folder: reads and verifies it ({@link ModelFolder#read}), builds the network of
     * the card's architecture, checks that the parameters file holds exactly its tensors with the
     * right shapes, loads them by name and readies the network for inference.
     *
     * @param modelFolder the folder holding {@code model.json} and {@code parameters.safetensors}
     * @return the estimator; close it
     * @throws FaceAttrException naming the file when the folder, card or parameters are missing,
     *     damaged, or do not fit each other, or when the engine cannot start
     */
    public static MultiTaskEstimator open(Path modelFolder) throws FaceAttrException {
        return open(modelFolder, InferenceEngine.DEFAULT);
    }

    /**
     * As {@link #open(Path)}, running on the given engine. For ONNX Runtime the graph is written
     * from the weights just loaded, so it cannot differ from the model folder.
     *
     * @param modelFolder the model folder
     * @param engine where the network runs
     * @return the estimator; close it
     * @throws FaceAttrException as {@link #open(Path)}, or when ONNX Runtime cannot load the graph
     */
    public static MultiTaskEstimator open(Path modelFolder, InferenceEngine engine) throws FaceAttrException {
        ModelFolder folder = ModelFolder.read(modelFolder);
        ModelCard card = folder.card();
        Path cardFile = folder.dir().resolve(ModelFolder.CARD_FILE);
        ModelConfig config;
        try {
            config = ModelConfigJson.fromMap(card.architecture());
        } catch (IllegalArgumentException e) {
            throw new FaceAttrException(cardFile, "the model card's architecture is not one this version can build ("
                    + e.getMessage() + "); update the plugin or re-export the model", e);
        }
        checkCard(card, config, cardFile);
        Model model = newModel(card.name());
        try {
            MultiTaskNet net = new MultiTaskNet(config);
            model.setBlock(net);
            net.initialize(model.getNDManager());
            Map<String, long[]> shapes = shapes(net);
            folder.requireTensors(shapes.keySet(), shapes);
            try (Autograd.Scope s = Autograd.disable()) {
                for (Pair<String, Parameter> p : net.getParameters()) {
                    Engines.load(p.getValue().getArray(), folder.tensor(p.getKey()));
                }
            }
            net.prepareForInference();
            return new MultiTaskEstimator(model, net, card, engine);
        } catch (FaceAttrException | RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * Wraps a network in memory (tests, or right after training). The network must be
     * initialised; its parameters stay owned by the caller's manager and outlive the estimator.
     * This calls {@link MultiTaskNet#prepareForInference()}; call
     * {@link MultiTaskNet#prepareForTraining()} to train it again.
     *
     * @param net an initialised network
     * @param card the card giving the name and input normalisation; its input size must be the
     *     network's (its architecture and label spaces are not read: {@link #save} writes the
     *     network's own)
     * @return the estimator; close it
     * @throws FaceAttrException when the engine cannot start
     * @throws IllegalArgumentException when the card's input size differs from the network's
     */
    public static MultiTaskEstimator fromNet(MultiTaskNet net, ModelCard card) throws FaceAttrException {
        return fromNet(net, card, InferenceEngine.DEFAULT);
    }

    /**
     * As {@link #fromNet(MultiTaskNet, ModelCard)} on the given engine. For ONNX Runtime the graph
     * is written now: weights changed later are not seen; wrap the network again.
     *
     * @param net an initialised network
     * @param card the card
     * @param engine where the network runs
     * @return the estimator; close it
     * @throws FaceAttrException when the engine cannot start
     */
    public static MultiTaskEstimator fromNet(MultiTaskNet net, ModelCard card, InferenceEngine engine)
            throws FaceAttrException {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(card, "card");
        if (!net.isInitialized()) {
            throw new IllegalArgumentException("the network is not initialised");
        }
        checkInputSize(card, net.config());
        Model model = newModel(card.name());
        try {
            model.setBlock(net);
            net.prepareForInference();
            return new MultiTaskEstimator(model, net, card, engine);
        } catch (FaceAttrException | RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * A card for a network: the given name, the network's input size and architecture, ImageNet
     * normalisation, and the label spaces of its tasks. Derive changes with {@code toBuilder()}.
     *
     * @param name the model name
     * @param config the network's configuration
     * @return the card (without parameters hash; {@link #save} fills it in)
     */
    public static ModelCard defaultCard(String name, ModelConfig config) {
        ModelCard.Builder b = ModelCard.builder().setName(name).optArchitecture(ModelConfigJson.toMap(config))
                .setInput(config.inputSize(), config.inputSize(), IMAGENET_MEAN, IMAGENET_STD);
        for (Task t : config.tasks()) {
            b.optLabelSpace(t.key(), labels(t, config));
        }
        return b.build();
    }

    /**
     * Writes the network's parameters and a card to a model folder ({@link ModelFolder#write}:
     * atomic, verified by reading back). The card's name, creation time, software, input
     * normalisation, training data and metrics are kept; its architecture and label spaces are
     * replaced by the network's.
     *
     * @param dir the model folder to create or replace
     * @param card the card to start from; its input size must be the network's
     * @return the card as written
     * @throws FaceAttrException naming the folder when it cannot be written
     * @throws IllegalArgumentException when the card's input size differs from the network's
     */
    public ModelCard save(Path dir, ModelCard card) throws FaceAttrException {
        ModelConfig config = net.config();
        checkInputSize(card, config);
        ModelCard.Builder b = ModelCard.builder().setName(card.name()).optCreated(card.created())
                .optSoftware(card.software()).optArchitecture(ModelConfigJson.toMap(config))
                .setInput(card.inputWidth(), card.inputHeight(), card.mean(), card.std())
                .optPixelScale(card.pixelScale()).optTrainingData(card.trainingData()).optMetrics(card.metrics());
        for (Task t : config.tasks()) {
            b.optLabelSpace(t.key(), labels(t, config));
        }
        return write(dir, b.build(), net);
    }

    /**
     * Writes a network's parameters with a card as a model folder ({@link ModelFolder#write}:
     * atomic, verified by reading back); the one place that turns a network into a model folder,
     * for {@link #save} and for training's best model.
     *
     * @param dir the model folder to create or replace
     * @param card the card, describing this network
     * @param net the network
     * @return the card as written (with the parameters file's hash)
     * @throws FaceAttrException naming the folder when it cannot be written
     */
    public static ModelCard write(Path dir, ModelCard card, MultiTaskNet net) throws FaceAttrException {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
            shapes.put(p.getKey(), p.getValue().getArray().getShape().getShape());
        }
        return ModelFolder.write(dir, card, values, shapes);
    }

    /**
     * A predictor on PyTorch (whatever the estimator's engine) for the calling thread:
     * {@code predict(crop)} for one face,
     * {@code batchPredict(crops)} for one forward pass over several. Close it; do not share it
     * between threads. The parameters are frozen, so no autograd graph is recorded, but calling
     * it inside {@link Autograd#disable()} lets the network free its feature maps early.
     *
     * @return a new predictor
     */
    public Predictor<RgbImage, FaceAttributes> newPredictor() {
        return model.newPredictor(translator);
    }

    /**
     * Estimates the attributes of aligned crops in batches of {@value #DEFAULT_BATCH}.
     *
     * @param crops crops of {@link #inputSize()} pixels square (FaceAligner's output)
     * @return one result per crop, in order
     * @throws FaceAttrException when the engine fails
     * @throws IllegalArgumentException when a crop has the wrong size
     */
    public List<FaceAttributes> estimate(List<RgbImage> crops) throws FaceAttrException {
        return estimate(crops, DEFAULT_BATCH);
    }

    /**
     * Estimates the attributes of aligned crops.
     *
     * @param crops crops of {@link #inputSize()} pixels square
     * @param batchSize faces per forward pass, at least 1
     * @return one result per crop, in order
     * @throws FaceAttrException when the engine fails
     * @throws IllegalArgumentException when a crop has the wrong size or the batch size is below 1
     */
    public List<FaceAttributes> estimate(List<RgbImage> crops, int batchSize) throws FaceAttrException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        int s = inputSize();
        for (int i = 0; i < crops.size(); i++) {
            RgbImage c = crops.get(i);
            if (c.width() != s || c.height() != s) {
                throw new IllegalArgumentException("crop " + i + " is " + c.width() + "x" + c.height()
                        + " pixels; the model '" + card.name() + "' needs aligned crops of " + s + "x" + s);
            }
        }
        List<FaceAttributes> out = new ArrayList<>(crops.size());
        if (crops.isEmpty()) {
            return out;
        }
        if (ort != null) {
            for (int i = 0; i < crops.size(); i += batchSize) {
                List<RgbImage> batch = crops.subList(i, Math.min(crops.size(), i + batchSize));
                float[] x = AttributeTranslator.normalise(batch, card.pixelScale(), card.mean(), card.std());
                OrtNet.Outputs o = ort.run(x, batch.size(), 3, s, s);
                try (NDManager m = model.getNDManager().newSubManager()) {
                    NDList logits = new NDList();
                    for (int k = 0; k < o.values().size(); k++) {
                        logits.add(m.create(o.get(k), new Shape(o.shapes().get(k))));
                    }
                    out.addAll(translator.decode(logits));
                }
            }
            return out;
        }
        try (Predictor<RgbImage, FaceAttributes> p = newPredictor(); Autograd.Scope noGrad = Autograd.disable()) {
            for (int i = 0; i < crops.size(); i += batchSize) {
                out.addAll(p.batchPredict(crops.subList(i, Math.min(crops.size(), i + batchSize))));
            }
        } catch (TranslateException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new FaceAttrException(null, "estimating attributes with the model '" + card.name() + "' failed: "
                    + c, e);
        }
        return out;
    }

    @Override
    public String name() {
        return card.name();
    }

    @Override
    public boolean estimatesRace() {
        return net.config().taskGroups().stream().anyMatch(g -> g.tasks().contains(faceattr.labels.Task.RACE));
    }

    /** The 5-point similarity alignment of docs/facts.md at the model's input size. */
    @Override
    public RgbImage crop(RgbImage image, faceattr.detect.DetectedFace face) {
        return faceattr.align.FaceAligner.align(image, face.landmarks(), inputSize()).crop();
    }

    /** As {@link #crop} for all faces of the image, with one native copy of the image. */
    @Override
    public List<RgbImage> crops(RgbImage image, List<faceattr.detect.DetectedFace> faces) {
        List<faceattr.detect.Landmarks> landmarks = faces.stream().map(faceattr.detect.DetectedFace::landmarks)
                .toList();
        return faceattr.align.FaceAligner.alignAll(image, landmarks, inputSize()).stream()
                .map(faceattr.align.AlignedFace::crop).toList();
    }

    /** @return the side of the square input crops in pixels */
    public int inputSize() {
        return net.config().inputSize();
    }

    /** @return the model card */
    public ModelCard card() {
        return card;
    }

    /** @return the network (for tests and export; do not change its weights while predicting) */
    public MultiTaskNet net() {
        return net;
    }

    /** @return the translator the predictors use */
    public AttributeTranslator translator() {
        return translator;
    }

    /** Closes the ONNX Runtime sessions, the DJL model and, for {@link #open}, the parameters it owns. */
    @Override
    public void close() {
        if (ort != null) {
            ort.close();
        }
        model.close();
    }

    private static Model newModel(String name) throws FaceAttrException {
        Engines.engine();
        try {
            return Engines.withOwnClassLoader(() -> Model.newInstance(name, Device.cpu(), Engines.ENGINE));
        } catch (Exception e) {
            throw new FaceAttrException(null, "cannot create a PyTorch model: " + e, e);
        }
    }

    private static Map<String, long[]> shapes(MultiTaskNet net) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            shapes.put(p.getKey(), p.getValue().getArray().getShape().getShape());
        }
        return shapes;
    }

    private static List<String> labels(Task t, ModelConfig config) {
        if (t != Task.AGE) {
            return t.space().classes();
        }
        List<String> ages = new ArrayList<>();
        for (int a = 0; a < config.ageBins(); a++) {
            ages.add(Integer.toString(a));
        }
        return ages;
    }

    private static void checkInputSize(ModelCard card, ModelConfig config) {
        if (card.inputWidth() != config.inputSize() || card.inputHeight() != config.inputSize()) {
            throw new IllegalArgumentException("the card's input is " + card.inputWidth() + "x" + card.inputHeight()
                    + ", the network's " + config.inputSize() + "x" + config.inputSize());
        }
    }

    private static void checkCard(ModelCard card, ModelConfig config, Path cardFile) throws FaceAttrException {
        if (card.inputWidth() != config.inputSize() || card.inputHeight() != config.inputSize()) {
            throw new FaceAttrException(cardFile, "the input is " + card.inputWidth() + "x" + card.inputHeight()
                    + " but the architecture's input size is " + config.inputSize() + "; re-export the model", null);
        }
        if (card.mean().length != 3) {
            throw new FaceAttrException(cardFile, "the input normalisation has " + card.mean().length
                    + " channels; attribute models take RGB (3): re-export the model", null);
        }
        for (Task t : List.of(Task.AGE, Task.AGE_GROUP, Task.GENDER, Task.EMOTION)) {
            if (config.groupOf(t) < 0) {
                throw new FaceAttrException(cardFile, "the model has no " + t.key() + " head; attribute estimation "
                        + "needs age, age_group, gender and emotion", null);
            }
        }
        for (Task t : config.tasks()) {
            List<String> classes = card.labelSpace(t.key());
            if (classes != null && !classes.equals(labels(t, config))) {
                throw new FaceAttrException(cardFile, "the label space of " + t.key() + " is " + classes
                        + ", this version reads " + labels(t, config) + " in that order; re-export the model", null);
            }
        }
    }
}

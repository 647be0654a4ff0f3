package faceattr.model;

import faceattr.io.onnx.OnnxGraph;
import faceattr.engine.Autograd;
import faceattr.labels.Task;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The multi-task attribute network: MobileNetV3-Large stages {@code 0 .. k-1} shared by all
 * tasks, then for each task group its own copy of stages {@code k .. 6}, its own
 * {@link TokenAttention} and one linear head per task (dropout before the heads).
 *
 * <p><b>Input</b>: (N, 3, S, S) aligned face crops, S = {@link ModelConfig#inputSize()}, RGB
 * normalised as the weights expect (ImageNet mean/std for torchvision weights).
 *
 * <p><b>Output</b>: raw logits, one array per task of the configuration in {@link Task} order,
 * i.e. for the default configuration: (N, ageBins) age bins 0 .. ageBins-1 years, (N, 9) FairFace
 * age groups, (N, 2) gender, (N, 7) FairFace race, (N, 7) emotion in the product order.
 * {@link Outputs} turns them into probabilities, expected age and its standard deviation.
 *
 * <p><b>Names</b>: children {@code shared} (when k > 0), {@code branch_<group>} (when k < 7),
 * {@code attention_<group>}, {@code head_<task>}.
 */
public final class MultiTaskNet extends AbstractBlock {
    private final ModelConfig config;
    private final MobileNetV3Large shared;
    private final List<MobileNetV3Large> branches = new ArrayList<>();
    private final List<TokenAttention> attentions = new ArrayList<>();
    private final Map<Task, Linear> heads = new EnumMap<>(Task.class);

    /** @param config the configuration */
    public MultiTaskNet(ModelConfig config) {
        super((byte) 1);
        this.config = config;
        int k = config.branchPoint();
        shared = k > 0 ? addChildBlock("shared", new MobileNetV3Large(0, k)) : null;
        for (TaskGroup g : config.taskGroups()) {
            if (k < MobileNetV3Large.STAGES) {
                branches.add(addChildBlock("branch_" + g.name(), new MobileNetV3Large(k, MobileNetV3Large.STAGES)));
            }
            attentions.add(addChildBlock("attention_" + g.name(), new TokenAttention(config)));
        }
        for (Task t : config.tasks()) {
            Linear head = Linear.builder().setUnits(t.classes(config.ageBins())).build();
            // small logits at the start (torchvision's classifier init): every class equally likely
            head.setInitializer(new NormalInitializer(0.01f), Parameter.Type.WEIGHT);
            heads.put(t, addChildBlock("head_" + t.key(), head));
        }
    }

    /** @return the configuration */
    public ModelConfig config() {
        return config;
    }

    /** @return the input shape for a batch of {@code n} faces */
    public Shape inputShape(int n) {
        return new Shape(n, 3, config.inputSize(), config.inputSize());
    }

    /**
     * Initialises all parameters for the configured input size.
     *
     * @param manager the manager that owns the parameters
     */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, inputShape(1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        boolean free = !Autograd.isRecording();
        NDArray common = shared == null ? x : shared.forward(ps, new NDList(x), training).singletonOrThrow();
        Map<Task, NDArray> logits = new EnumMap<>(Task.class);
        List<TaskGroup> groups = config.taskGroups();
        for (int i = 0; i < groups.size(); i++) {
            NDArray f = branches.isEmpty() ? common : branches.get(i).forward(ps, new NDList(common), training)
                    .singletonOrThrow();
            NDArray v = attentions.get(i).forward(ps, new NDList(f), training).singletonOrThrow();
            if (free && f != common) {
                f.close();
            }
            NDArray d = training && config.dropout() > 0f ? Dropout.dropout(v, config.dropout(), true)
                    .singletonOrThrow() : v;
            for (Task t : groups.get(i).tasks()) {
                logits.put(t, heads.get(t).forward(ps, new NDList(d), training).singletonOrThrow());
            }
            if (free) {
                v.close();
            }
        }
        if (free && common != x) {
            common.close();
        }
        NDList out = new NDList();
        for (Task t : config.tasks()) {
            out.add(logits.get(t));
        }
        return out;
    }

    /** The name of the exported model's input, (batch, 3, S, S) float32 NCHW. */
    public static final String ONNX_INPUT = "image";

    /**
     * Writes the network as an ONNX graph from its current weights, in inference mode (BatchNorm
     * folded, no dropout): input {@value #ONNX_INPUT} (batch, 3, S, S), normalised as the model card
     * says; one output of raw logits per task of the configuration, named by {@link Task#key()},
     * (batch, classes), in {@code config().tasks()} order. The batch axis is dynamic.
     *
     * @param g an empty graph
     */
    public void toOnnx(OnnxGraph g) {
        int s = config.inputSize();
        String x = g.input(ONNX_INPUT, "batch", 3, s, s);
        String common = shared == null ? x : shared.toOnnx(g, x);
        List<TaskGroup> groups = config.taskGroups();
        Map<Task, String> logits = new EnumMap<>(Task.class);
        for (int i = 0; i < groups.size(); i++) {
            String f = branches.isEmpty() ? common : branches.get(i).toOnnx(g, common);
            String v = attentions.get(i).toOnnx(g, f);
            for (Task t : groups.get(i).tasks()) {
                Linear h = heads.get(t);
                long[] ws = OnnxWritable.shape(h.getParameters().get("weight"));
                logits.put(t, g.gemm(v, OnnxWritable.values(h.getParameters().get("weight")), (int) ws[0],
                        OnnxWritable.values(h.getParameters().get("bias"))));
            }
        }
        for (Task t : config.tasks()) {
            g.output(logits.get(t), t.key(), "batch", t.classes(config.ageBins()));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        List<Task> tasks = config.tasks();
        Shape[] out = new Shape[tasks.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Shape(n, tasks.get(i).classes(config.ageBins()));
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        if (s.get(2) != config.inputSize() || s.get(3) != config.inputSize()) {
            throw new IllegalArgumentException("input " + s + " does not match the configured input size "
                    + config.inputSize());
        }
        Shape[] common = {s};
        if (shared != null) {
            shared.initialize(manager, dataType, common);
            common = shared.getOutputShapes(common);
        }
        Shape feature = common[0];
        for (MobileNetV3Large b : branches) {
            b.initialize(manager, dataType, common);
            feature = b.getOutputShapes(common)[0];
        }
        for (TokenAttention a : attentions) {
            a.initialize(manager, dataType, feature);
        }
        Shape pooled = new Shape(s.get(0), config.dModel());
        for (Linear h : heads.values()) {
            h.initialize(manager, dataType, pooled);
        }
    }

    /**
     * The backbone parameters by torchvision state_dict key, for importing ImageNet weights: a
     * shared stage's key maps to one parameter, a branched stage's key to one per task group
     * (every branch starts from the same pretrained weights).
     *
     * @return torchvision key to our parameters, in feature order
     */
    public Map<String, List<Parameter>> torchvisionParameters() {
        Map<String, List<Parameter>> out = new LinkedHashMap<>();
        if (shared != null) {
            shared.torchvisionParameters().forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        for (MobileNetV3Large b : branches) {
            b.torchvisionParameters().forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        return out;
    }

    /**
     * Readies the network for inference: freezes every parameter (no autograd graph is recorded
     * even on threads whose grad mode is on) and folds each BatchNorm into its convolution (one
     * pass less over every feature map). Call it after the weights are loaded; call
     * {@link #prepareForTraining()} before changing parameters. A training forward pass drops the
     * folded copies by itself.
     */
    public void prepareForInference() {
        freezeParameters(true);
        forEachConvBn(this, ConvBn::fold);
    }

    /** Undoes {@link #prepareForInference()}: parameters trainable, BatchNorm applied as such. */
    public void prepareForTraining() {
        forEachConvBn(this, ConvBn::unfold);
        freezeParameters(false);
        // DJL's freezeParameters(false) also marks BatchNorm's running statistics trainable,
        // which PyTorch's batch_norm refuses; they are updated by the forward pass, not by gradients.
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : getParameters()) {
            ai.djl.nn.Parameter.Type t = p.getValue().getType();
            if (t == ai.djl.nn.Parameter.Type.RUNNING_MEAN || t == ai.djl.nn.Parameter.Type.RUNNING_VAR) {
                p.getValue().freeze(true);
            }
        }
    }

    /**
     * Sets how fast BatchNorm's running statistics follow training batches, in PyTorch's convention
     * (the new batch's weight). The default, torchvision's 0.01, suits long runs; short runs (tests,
     * fine-tuning on a few hundred faces) need a larger value, or validation reads statistics that
     * lag far behind the weights. Training-only: it does not change the architecture or inference.
     *
     * @param torchMomentum in (0, 1]
     */
    public void setBatchNormMomentum(float torchMomentum) {
        if (!(torchMomentum > 0 && torchMomentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm momentum must be in (0, 1], got " + torchMomentum);
        }
        forEachConvBn(this, c -> c.setMomentum(torchMomentum));
    }

    private static void forEachConvBn(ai.djl.nn.Block b, java.util.function.Consumer<ConvBn> f) {
        if (b instanceof ConvBn) {
            f.accept((ConvBn) b);
            return;
        }
        for (ai.djl.util.Pair<String, ai.djl.nn.Block> c : b.getChildren()) {
            forEachConvBn(c.getValue(), f);
        }
    }

    /** @return the shared backbone stages, or null when the branch point is 0 */
    public MobileNetV3Large sharedBackbone() {
        return shared;
    }

    /** @return the per-group backbone copies (empty when the whole backbone is shared) */
    public List<MobileNetV3Large> branchBackbones() {
        return List.copyOf(branches);
    }

    /** @return the per-group token attention blocks, in group order */
    public List<TokenAttention> attentions() {
        return List.copyOf(attentions);
    }
}

package faceattr.model;

import faceattr.io.onnx.OnnxGraph;
import faceattr.engine.Autograd;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MobileNetV3-Large's feature extractor (torchvision's {@code mobilenet_v3_large().features},
 * {@code features.0} .. {@code features.16}) as DJL blocks, or a contiguous range of its stages.
 *
 * <p><b>Stages.</b> The 17 feature layers are grouped into {@value #STAGES} stages, the unit of
 * the branch point: stage 0 = the stem (features.0, 3x3/2 conv to 16, hardswish); stages 1-5 =
 * the bnecks grouped by output resolution (stride 2: features.1; stride 4: features.2-3;
 * stride 8: features.4-6; stride 16: features.7-12; stride 32: features.13-15); stage 6 = the last
 * 1x1 conv 160 to 960, hardswish (features.16). {@code new MobileNetV3Large(a, b)} holds stages
 * {@code a .. b-1}; {@code (0, 7)} is the whole extractor: (N, 3, S, S) to (N, 960, ceil(S/32),
 * ceil(S/32)).
 *
 * <p><b>Layers</b> follow docs/facts.md: convolutions without bias before BatchNorm (eps 1e-3,
 * torchvision momentum 0.01, see {@link ConvBn#BN_MOMENTUM_DJL}), padding (k-1)/2, SE with
 * {@code make_divisible(exp/4, 8)} squeeze channels and a hardsigmoid gate.
 *
 * <p><b>Parameter names.</b> Children are {@code features<i>} with torchvision's global index i,
 * so DJL names parameters {@code NNfeatures<i>_NNblock<j>_NNconv_weight} and so on (DJL prefixes
 * each child with its 2-digit position). {@link #torchvisionNames()} maps every DJL name to the
 * state_dict key: conv weight to {@code features.i[.block.j].0.weight}; BatchNorm gamma, beta,
 * runningMean, runningVar to {@code .1.weight}, {@code .1.bias}, {@code .1.running_mean},
 * {@code .1.running_var}; SE to {@code features.i.block.j.fc1/fc2.weight/bias}. torchvision's
 * {@code num_batches_tracked} has no counterpart (it only matters for momentum=None).
 */
public final class MobileNetV3Large extends AbstractBlock implements OnnxWritable {
    /** Number of stages (the branch point's range is 0 .. STAGES). */
    public static final int STAGES = 7;
    /** Channels of the last feature map. */
    public static final int OUT_CHANNELS = 960;

    /**
     * One feature layer of the table.
     *
     * @param index torchvision's {@code features.<index>}
     * @param stage the stage it belongs to
     * @param bneck true for a bottleneck, false for a plain conv + BN + hardswish (stem, last conv)
     * @param in input channels
     * @param kernel kernel side (depthwise kernel for a bneck)
     * @param expanded expanded width of a bneck (equal to {@code out} for a plain conv)
     * @param out output channels
     * @param se squeeze-and-excitation
     * @param hardswish hardswish (true) or ReLU (false)
     * @param stride stride
     */
    public record Layer(int index, int stage, boolean bneck, int in, int kernel, int expanded, int out, boolean se,
            boolean hardswish, int stride) {
        /** @return the SE squeeze width, {@code make_divisible(expanded / 4, 8)} */
        public int squeeze() {
            return SqueezeExcite.makeDivisible(expanded / 4.0, 8);
        }
    }

    private static final List<Layer> LAYERS;
    /** First feature index of each stage, and the end. */
    private static final int[] STAGE_START = {0, 1, 2, 4, 7, 13, 16, 17};

    static {
        // (in, k, exp, out, SE, HS, stride), docs/facts.md's table
        int[][] bnecks = {
            {16, 3, 16, 16, 0, 0, 1},
            {16, 3, 64, 24, 0, 0, 2}, {24, 3, 72, 24, 0, 0, 1},
            {24, 5, 72, 40, 1, 0, 2}, {40, 5, 120, 40, 1, 0, 1}, {40, 5, 120, 40, 1, 0, 1},
            {40, 3, 240, 80, 0, 1, 2}, {80, 3, 200, 80, 0, 1, 1}, {80, 3, 184, 80, 0, 1, 1},
            {80, 3, 184, 80, 0, 1, 1}, {80, 3, 480, 112, 1, 1, 1}, {112, 3, 672, 112, 1, 1, 1},
            {112, 5, 672, 160, 1, 1, 2}, {160, 5, 960, 160, 1, 1, 1}, {160, 5, 960, 160, 1, 1, 1},
        };
        List<Layer> l = new ArrayList<>();
        l.add(new Layer(0, 0, false, 3, 3, 16, 16, false, true, 2));
        for (int i = 0; i < bnecks.length; i++) {
            int[] b = bnecks[i];
            l.add(new Layer(i + 1, stageOf(i + 1), true, b[0], b[1], b[2], b[3], b[4] == 1, b[5] == 1, b[6]));
        }
        l.add(new Layer(16, 6, false, 160, 1, OUT_CHANNELS, OUT_CHANNELS, false, true, 1));
        LAYERS = Collections.unmodifiableList(l);
    }

    private final int from;
    private final int to;
    private final List<Block> features = new ArrayList<>();

    /**
     * @param fromStage first stage held, 0 .. STAGES - 1
     * @param toStage one past the last stage held, fromStage + 1 .. STAGES
     */
    public MobileNetV3Large(int fromStage, int toStage) {
        super((byte) 1);
        if (fromStage < 0 || toStage > STAGES || fromStage >= toStage) {
            throw new IllegalArgumentException("stages must satisfy 0 <= from < to <= " + STAGES + ", got " + fromStage
                    + ".." + toStage);
        }
        from = fromStage;
        to = toStage;
        for (Layer l : layers(fromStage, toStage)) {
            Block b = l.bneck() ? new InvertedResidual(l)
                    : new ConvBn(l.out(), l.kernel(), l.stride(), 1, ConvBn.Act.HARDSWISH);
            features.add(addChildBlock("features" + l.index(), b));
        }
    }

    /** @return the whole feature extractor, stem to last conv */
    public static MobileNetV3Large full() {
        return new MobileNetV3Large(0, STAGES);
    }

    /** @return all 17 feature layers in order */
    public static List<Layer> layers() {
        return LAYERS;
    }

    /**
     * @param fromStage first stage
     * @param toStage one past the last stage
     * @return the feature layers of those stages
     */
    public static List<Layer> layers(int fromStage, int toStage) {
        return LAYERS.subList(STAGE_START[fromStage], STAGE_START[toStage]);
    }

    /**
     * @param stage a stage, 0 .. STAGES - 1
     * @return its input channels (3 for the stem)
     */
    public static int stageInputChannels(int stage) {
        return LAYERS.get(STAGE_START[stage]).in();
    }

    private static int stageOf(int index) {
        int s = 0;
        while (STAGE_START[s + 1] <= index) {
            s++;
        }
        return s;
    }

    /**
     * @param side input side
     * @param kernel kernel side (padding (k-1)/2)
     * @param stride stride
     * @return output side of a convolution
     */
    static int convSide(int side, int kernel, int stride) {
        int pad = (kernel - 1) / 2;
        return (side + 2 * pad - kernel) / stride + 1;
    }

    /**
     * @param inputSide the input side
     * @return the side of the last feature map (ceil(side / 32) for the supported sizes)
     */
    public static int outputSide(int inputSide) {
        int s = inputSide;
        for (Layer l : LAYERS) {
            s = convSide(s, l.kernel(), l.stride());
        }
        return s;
    }

    /** @return the first stage held */
    public int fromStage() {
        return from;
    }

    /** @return one past the last stage held */
    public int toStage() {
        return to;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = x;
        for (Block b : features) {
            NDArray next = b.forward(ps, new NDList(y), training).singletonOrThrow();
            if (y != x && !Autograd.isRecording()) {
                y.close();
            }
            y = next;
        }
        return new NDList(y);
    }

    /**
     * Writes the held stages into an ONNX graph, BatchNorm folded into the convolutions.
     *
     * @param g the graph
     * @param x the NCHW input's name
     * @return the feature map's name
     */
    @Override
    public String toOnnx(OnnxGraph g, String x) {
        String y = x;
        for (Block b : features) {
            y = ((OnnxWritable) b).toOnnx(g, y);
        }
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long h = s.get(2);
        long w = s.get(3);
        for (Layer l : layers(from, to)) {
            h = convSide((int) h, l.kernel(), l.stride());
            w = convSide((int) w, l.kernel(), l.stride());
        }
        return new Shape[] {new Shape(s.get(0), layers(from, to).get(layers(from, to).size() - 1).out(), h, w)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] s = inputShapes;
        for (Block b : features) {
            b.initialize(manager, dataType, s);
            s = b.getOutputShapes(s);
        }
    }

    /**
     * The output shape of every feature layer held, for checks against the table.
     *
     * @param input the input shape (N, C, H, W)
     * @return one shape per feature layer
     */
    public List<Shape> featureShapes(Shape input) {
        List<Shape> out = new ArrayList<>();
        Shape[] s = {input};
        for (Block b : features) {
            s = b.getOutputShapes(s);
            out.add(s[0]);
        }
        return out;
    }

    /**
     * Maps our parameter names (the keys of {@link #getParameters()}) to torchvision's state_dict
     * keys of {@code mobilenet_v3_large().features} (for a stage range, the keys of those layers),
     * including BatchNorm running statistics.
     *
     * @return DJL name to torchvision key, in parameter order
     */
    public Map<String, String> torchvisionNames() {
        Map<Parameter, String> byParam = byParameter();
        Map<String, String> names = new LinkedHashMap<>();
        for (Pair<String, Parameter> e : getParameters()) {
            String key = byParam.get(e.getValue());
            if (key == null) {
                throw new IllegalStateException("no torchvision key for parameter " + e.getKey());
            }
            names.put(e.getKey(), key);
        }
        return names;
    }

    /**
     * @return torchvision state_dict key to our parameter, in parameter order: what an importer
     *     of a torchvision or safetensors checkpoint fills
     */
    public Map<String, Parameter> torchvisionParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Map<Parameter, String> byParam = byParameter();
        for (Pair<String, Parameter> e : getParameters()) {
            out.put(byParam.get(e.getValue()), e.getValue());
        }
        return out;
    }

    private Map<Parameter, String> byParameter() {
        Map<Parameter, String> byParam = new IdentityHashMap<>();
        List<Layer> held = layers(from, to);
        for (int i = 0; i < features.size(); i++) {
            ((TorchvisionMapped) features.get(i)).mapTorchvision("features." + held.get(i).index(), byParam);
        }
        return byParam;
    }
}

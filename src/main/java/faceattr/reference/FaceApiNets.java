package faceattr.reference;

import faceattr.io.onnx.OnnxGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import faceattr.core.FaceAttrException;
import faceattr.io.tfjs.TfjsWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api's two attribute networks as DJL blocks (inference only).
 *
 * <p>Both take (N, 3, 112, 112) RGB pixel values 0..255 and normalise them as face-api does,
 * {@code (v - [122.782, 117.001, 104.298]) / 255}; both end with a 7 x 7 average pool (TF 'valid',
 * stride 2, so one position at 112) and fully connected heads. See docs/reference.md.
 */
final class FaceApiNets {
    /** Input side in pixels. */
    static final int INPUT = 112;
    /** face-api's channel means (R, G, B) on 0..255 values. */
    static final float[] MEAN = {122.782f, 117.001f, 104.298f};

    private FaceApiNets() {
    }

    static NDArray normalise(NDArray x) {
        NDArray mean = x.getManager().create(MEAN, new Shape(1, 3, 1, 1));
        return x.sub(mean).div(255f);
    }

    static NDArray pooled(NDArray x) {
        NDArray p = Pool.avgPool2d(x, new Shape(7, 7), new Shape(2, 2), new Shape(0, 0), false, true);
        return p.reshape(p.getShape().get(0), -1);
    }

    /** A fully connected layer from TF weights [in, out] and bias [out]. */
    static final class Dense extends AbstractBlock {
        private final int in;
        private final int out;
        private final Parameter weight;
        private final Parameter bias;

        Dense(int in, int out) {
            super((byte) 1);
            this.in = in;
            this.out = out;
            weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(out, in)).build());
            bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                    .optShape(new Shape(out)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> p) {
            NDArray x = inputs.singletonOrThrow();
            return ai.djl.nn.core.Linear.linear(x, ps.getValue(weight, x.getDevice(), training),
                    ps.getValue(bias, x.getDevice(), training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {new Shape(inputs[0].get(0), out)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            // No children.
        }

        String toOnnx(OnnxGraph g, String x) {
            return g.gemm(x, weight.getArray().toFloatArray(), out, bias.getArray().toFloatArray());
        }

        void load(TfjsWeights w, String prefix) throws FaceAttrException {
            TfConv.set(weight, TfConv.transposeMatrix(w.get(prefix + "/weights", in, out).data(), in, out));
            TfConv.set(bias, w.get(prefix + "/bias", out).data());
        }
    }

    /**
     * TinyXception with 2 middle blocks and the age and gender heads (face-api's AgeGenderNet).
     * Outputs: age in years (N) and gender probabilities (N, 2), index 0 = male.
     */
    static final class AgeGender extends AbstractBlock {
        private final TfConv convIn = addChildBlock("conv_in", new TfConv(3, 32, 3, 2, false));
        private final Reduction rb0 = addChildBlock("reduction_block_0", new Reduction(32, 64, false));
        private final Reduction rb1 = addChildBlock("reduction_block_1", new Reduction(64, 128, true));
        private final List<MainBlock> middle = new ArrayList<>();
        private final Reduction exit = addChildBlock("exit_reduction_block", new Reduction(128, 256, true));
        private final TfConv exitSep = addChildBlock("exit_separable_conv", new TfConv(256, 512, 3, 1, true));
        private final Dense age = addChildBlock("fc_age", new Dense(512, 1));
        private final Dense gender = addChildBlock("fc_gender", new Dense(512, 2));

        AgeGender() {
            super((byte) 1);
            for (int i = 0; i < 2; i++) {
                middle.add(addChildBlock("main_block_" + i, new MainBlock(128)));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> p) {
            NDArray x = normalise(inputs.singletonOrThrow());
            x = Activation.relu(one(convIn, ps, x));
            x = one(rb0, ps, x);
            x = one(rb1, ps, x);
            for (MainBlock m : middle) {
                x = one(m, ps, x);
            }
            x = one(exit, ps, x);
            x = Activation.relu(one(exitSep, ps, x));
            NDArray f = pooled(x);
            NDArray a = one(age, ps, f).reshape(-1);
            NDArray g = one(gender, ps, f).softmax(1);
            return new NDList(a, g);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            long n = inputs[0].get(0);
            return new Shape[] {new Shape(n), new Shape(n, 2)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            long n = inputShapes[0].get(0);
            Shape s = inputShapes[0];
            convIn.initialize(manager, dataType, s);
            s = convIn.getOutputShapes(new Shape[] {s})[0];
            for (AbstractBlock b : List.of(rb0, rb1, middle.get(0), middle.get(1), exit, exitSep)) {
                b.initialize(manager, dataType, s);
                s = b.getOutputShapes(new Shape[] {s})[0];
            }
            age.initialize(manager, dataType, new Shape(n, 512));
            gender.initialize(manager, dataType, new Shape(n, 512));
        }

        /** @return the names of the age (N) and gender probability (N, 2) outputs */
        String[] toOnnx(OnnxGraph g, String normalised) {
            int side = INPUT;
            String x = g.node("Relu", convIn.toOnnx(g, normalised, side));
            side = convIn.outputSide(side);
            for (Reduction r : List.of(rb0, rb1)) {
                x = r.toOnnx(g, x, side);
                side = r.outputSide(side);
            }
            for (MainBlock m : middle) {
                x = m.toOnnx(g, x, side);
            }
            x = exit.toOnnx(g, x, side);
            side = exit.outputSide(side);
            x = g.node("Relu", exitSep.toOnnx(g, x, side));
            String f = pooledOnnx(g, x);
            String a = g.node("Reshape", List.of(age.toOnnx(g, f), g.longs("shape", -1)));
            String p = g.node("Softmax", gender.toOnnx(g, f), OnnxGraph.Attr.i("axis", 1));
            return new String[] {a, p};
        }

        void load(TfjsWeights w) throws FaceAttrException {
            convIn.load(w, "entry_flow/conv_in");
            rb0.load(w, "entry_flow/reduction_block_0");
            rb1.load(w, "entry_flow/reduction_block_1");
            for (int i = 0; i < middle.size(); i++) {
                middle.get(i).load(w, "middle_flow/main_block_" + i);
            }
            exit.load(w, "exit_flow/reduction_block");
            exitSep.load(w, "exit_flow/separable_conv");
            age.load(w, "fc/age");
            gender.load(w, "fc/gender");
        }
    }

    /**
     * The expression net: 4 dense blocks (32, 64, 128, 256 channels, each starting at stride 2),
     * average pool, fully connected layer, softmax over face-api's 7 expressions.
     */
    static final class Expression extends AbstractBlock {
        private final List<DenseBlock> blocks = new ArrayList<>();
        private final Dense fc;

        Expression() {
            super((byte) 1);
            int[] widths = {32, 64, 128, 256};
            int in = 3;
            for (int i = 0; i < widths.length; i++) {
                blocks.add(addChildBlock("dense" + i, new DenseBlock(in, widths[i], i == 0)));
                in = widths[i];
            }
            fc = addChildBlock("fc", new Dense(256, 7));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> p) {
            NDArray x = normalise(inputs.singletonOrThrow());
            for (DenseBlock b : blocks) {
                x = one(b, ps, x);
            }
            return new NDList(one(fc, ps, pooled(x)).softmax(1));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {new Shape(inputs[0].get(0), 7)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape s = inputShapes[0];
            for (DenseBlock b : blocks) {
                b.initialize(manager, dataType, s);
                s = b.getOutputShapes(new Shape[] {s})[0];
            }
            fc.initialize(manager, dataType, new Shape(s.get(0), 256));
        }

        /** @return the name of the expression probabilities (N, 7) */
        String toOnnx(OnnxGraph g, String normalised) {
            String x = normalised;
            int side = INPUT;
            for (DenseBlock b : blocks) {
                x = b.toOnnx(g, x, side);
                side = (side + 1) / 2;
            }
            return g.node("Softmax", fc.toOnnx(g, pooledOnnx(g, x)), OnnxGraph.Attr.i("axis", 1));
        }

        void load(TfjsWeights w) throws FaceAttrException {
            for (int i = 0; i < blocks.size(); i++) {
                blocks.get(i).load(w, "dense" + i);
            }
            fc.load(w, "fc");
        }
    }

    /**
     * Xception reduction block: [relu] separable, relu, separable, 3x3/2 SAME max pool, plus a 1x1
     * stride-2 convolution of the block's input.
     */
    static final class Reduction extends AbstractBlock {
        private final boolean activateInput;
        private final TfConv sep0;
        private final TfConv sep1;
        private final TfConv expansion;

        Reduction(int in, int out, boolean activateInput) {
            super((byte) 1);
            this.activateInput = activateInput;
            sep0 = addChildBlock("separable_conv0", new TfConv(in, out, 3, 1, true));
            sep1 = addChildBlock("separable_conv1", new TfConv(out, out, 3, 1, true));
            expansion = addChildBlock("expansion_conv", new TfConv(in, out, 1, 2, false));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> p) {
            NDArray x = inputs.singletonOrThrow();
            NDArray y = one(sep0, ps, activateInput ? Activation.relu(x) : x);
            y = one(sep1, ps, Activation.relu(y));
            y = maxPoolSame(y);
            return new NDList(y.add(one(expansion, ps, x)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return expansion.getOutputShapes(inputs);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            sep0.initialize(manager, dataType, inputShapes);
            sep1.initialize(manager, dataType, sep0.getOutputShapes(inputShapes));
            expansion.initialize(manager, dataType, inputShapes);
        }

        String toOnnx(OnnxGraph g, String x, int side) {
            String y = sep0.toOnnx(g, activateInput ? g.node("Relu", x) : x, side);
            y = sep1.toOnnx(g, g.node("Relu", y), side);
            return g.node("Add", List.of(maxPoolSameOnnx(g, y, side), expansion.toOnnx(g, x, side)));
        }

        int outputSide(int side) {
            return expansion.outputSide(side);
        }

        void load(TfjsWeights w, String prefix) throws FaceAttrException {
            sep0.load(w, prefix + "/separable_conv0");
            sep1.load(w, prefix + "/separable_conv1");
            expansion.load(w, prefix + "/expansion_conv");
        }
    }

    /** Xception middle block: 3 x (relu, separable conv), plus the input. */
    static final class MainBlock extends AbstractBlock {
        private final List<TfConv> seps = new ArrayList<>();

        MainBlock(int channels) {
            super((byte) 1);
            for (int i = 0; i < 3; i++) {
                seps.add(addChildBlock("separable_conv" + i, new TfConv(channels, channels, 3, 1, true)));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> p) {
            NDArray x = inputs.singletonOrThrow();
            NDArray y = x;
            for (TfConv s : seps) {
                y = one(s, ps, Activation.relu(y));
            }
            return new NDList(y.add(x));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return inputs;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            for (TfConv s : seps) {
                s.initialize(manager, dataType, inputShapes);
            }
        }

        String toOnnx(OnnxGraph g, String x, int side) {
            String y = x;
            for (TfConv s : seps) {
                y = s.toOnnx(g, g.node("Relu", y), side);
            }
            return g.node("Add", List.of(y, x));
        }

        void load(TfjsWeights w, String prefix) throws FaceAttrException {
            for (int i = 0; i < seps.size(); i++) {
                seps.get(i).load(w, prefix + "/separable_conv" + i);
            }
        }
    }

    /**
     * face-api's dense block of 4 convolutions: the first at stride 2 (plain in the first block,
     * separable otherwise), each later one fed the ReLU of the sum of all earlier outputs.
     */
    static final class DenseBlock extends AbstractBlock {
        private final List<TfConv> convs = new ArrayList<>();

        DenseBlock(int in, int out, boolean first) {
            super((byte) 1);
            convs.add(addChildBlock("conv0", new TfConv(in, out, 3, 2, !first)));
            for (int i = 1; i < 4; i++) {
                convs.add(addChildBlock("conv" + i, new TfConv(out, out, 3, 1, true)));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> p) {
            NDArray out1 = Activation.relu(one(convs.get(0), ps, inputs.singletonOrThrow()));
            NDArray out2 = one(convs.get(1), ps, out1);
            NDArray out3 = one(convs.get(2), ps, Activation.relu(out1.add(out2)));
            // Sums in face-api's order: out1 + (out2 + out3 (+ out4)).
            NDArray out4 = one(convs.get(3), ps, Activation.relu(out1.add(out2.add(out3))));
            return new NDList(Activation.relu(out1.add(out2.add(out3.add(out4)))));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return convs.get(0).getOutputShapes(inputs);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            convs.get(0).initialize(manager, dataType, inputShapes);
            Shape s = convs.get(0).getOutputShapes(inputShapes)[0];
            for (int i = 1; i < 4; i++) {
                convs.get(i).initialize(manager, dataType, s);
            }
        }

        String toOnnx(OnnxGraph g, String x, int side) {
            String out1 = g.node("Relu", convs.get(0).toOnnx(g, x, side));
            int s = convs.get(0).outputSide(side);
            String out2 = convs.get(1).toOnnx(g, out1, s);
            String out3 = convs.get(2).toOnnx(g, g.node("Relu", g.node("Add", List.of(out1, out2))), s);
            String s23 = g.node("Add", List.of(out2, out3));
            String out4 = convs.get(3).toOnnx(g, g.node("Relu", g.node("Add", List.of(out1, s23))), s);
            String s234 = g.node("Add", List.of(out2, g.node("Add", List.of(out3, out4))));
            return g.node("Relu", g.node("Add", List.of(out1, s234)));
        }

        void load(TfjsWeights w, String prefix) throws FaceAttrException {
            for (int i = 0; i < 4; i++) {
                convs.get(i).load(w, prefix + "/conv" + i);
            }
        }
    }

    /** The input name of the written graph: (batch, 112, 112, 3) RGB values 0..255, as TF.js takes them. */
    static final String ONNX_INPUT = "image";

    /**
     * Writes both nets as one ONNX graph sharing the input {@value #ONNX_INPUT} (NHWC, raw pixel
     * values; transposed and normalised inside), with the outputs {@code age} (batch) in years,
     * {@code gender} (batch, 2) male first, and {@code expression} (batch, 7) in face-api's order.
     */
    static void toOnnx(OnnxGraph g, AgeGender ag, Expression ex) {
        String x = g.input(ONNX_INPUT, "batch", INPUT, INPUT, 3);
        String nchw = g.node("Transpose", x, OnnxGraph.Attr.ints("perm", 0, 3, 1, 2));
        String centred = g.node("Sub", List.of(nchw, g.floats("mean", MEAN, 1, 3, 1, 1)));
        String normalised = g.node("Mul", List.of(centred, g.scalar("inv255", 1f / 255f)));
        String[] a = ag.toOnnx(g, normalised);
        String e = ex.toOnnx(g, normalised);
        g.output(a[0], "age", "batch");
        g.output(a[1], "gender", "batch", 2);
        g.output(e, "expression", "batch", 7);
    }

    /** The 7 x 7 average pool (one position at 112) and flattening of both nets. */
    static String pooledOnnx(OnnxGraph g, String x) {
        String p = g.node("AveragePool", x, OnnxGraph.Attr.ints("kernel_shape", 7, 7),
                OnnxGraph.Attr.ints("strides", 2, 2));
        return g.node("Flatten", p, OnnxGraph.Attr.i("axis", 1));
    }

    /** {@link #maxPoolSame} in ONNX: explicit TF SAME pads, which a max pool never selects. */
    static String maxPoolSameOnnx(OnnxGraph g, String x, int side) {
        int[] p = faceattr.core.TfPadding.same(side, 3, 2);
        return g.node("MaxPool", x, OnnxGraph.Attr.ints("kernel_shape", 3, 3), OnnxGraph.Attr.ints("strides", 2, 2),
                OnnxGraph.Attr.ints("pads", p[0], p[0], p[1], p[1]));
    }

    /** TF max pool 3x3, stride 2, 'same' (inference only: these nets are never trained here). */
    static NDArray maxPoolSame(NDArray x) {
        return faceattr.engine.MaxPool.strided(x, 3, 2, true);
    }

    private static NDArray one(AbstractBlock b, ParameterStore ps, NDArray x) {
        return b.forward(ps, new NDList(x), false).singletonOrThrow();
    }
}

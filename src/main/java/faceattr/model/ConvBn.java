package faceattr.model;

import faceattr.engine.Autograd;
import faceattr.io.onnx.OnnxGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * Convolution without bias, BatchNorm and an optional activation: torchvision's
 * {@code Conv2dNormActivation} with {@code norm_layer = BatchNorm2d(eps=0.001, momentum=0.01)}.
 * Children {@code conv} and {@code bn} map to torchvision's {@code .0} and {@code .1}.
 */
final class ConvBn extends AbstractBlock implements TorchvisionMapped, OnnxWritable {
    /** torchvision's MobileNetV3 BatchNorm epsilon. */
    static final float BN_EPS = 1e-3f;
    /**
     * torchvision's {@code momentum=0.01} in DJL's convention. PyTorch updates
     * {@code running = (1 - m) * running + m * batch}; DJL's BatchNorm momentum is the weight of
     * the old running value: DJL 0.36's {@code PtNDArrayEx.batchNorm} passes {@code 1 - momentum}
     * to {@code torch::batch_norm} (checked in its byte code, and by {@code BackboneTest}). So
     * torchvision's 0.01 is DJL's 0.99. (DJL's own default, 0.9, would be torch's 0.1.)
     */
    static final float BN_MOMENTUM_DJL = 0.99f;

    /** The activation after BatchNorm. */
    enum Act {
        /** None (linear bottleneck projection). */
        NONE,
        /** ReLU. */
        RELU,
        /** Hardswish. */
        HARDSWISH
    }

    private final Conv2d conv;
    private final BatchNorm bn;
    private final Act act;
    private final Shape stride;
    private final Shape padding;
    private final int groups;
    /** BatchNorm folded into the convolution for frozen inference, or null. */
    private NDArray foldedWeight;
    private NDArray foldedBias;
    /** For 1x1 convolutions: the folded weight as a (out, in) matrix and the bias as (1, out, 1). */
    private NDArray foldedMatrix;
    private NDArray foldedBias3d;
    /**
     * Smallest map (pixels) on which a folded 1x1 convolution runs as a matrix product. Measured
     * in one JVM, alternating pass by pass (224, batch 32, 2 threads, minimum of 12): 324 ms with
     * convolutions only, 306 ms from 28x28 up, 284 ms from 56x56 up; the product loses on 7x7 maps.
     */
    static final long MATMUL_MIN_PIXELS = 56 * 56;

    ConvBn(int out, int kernel, int stride, int groups, Act act) {
        super((byte) 1);
        this.act = act;
        this.stride = new Shape(stride, stride);
        this.padding = new Shape((kernel - 1) / 2, (kernel - 1) / 2);
        this.groups = groups;
        conv = addChildBlock("conv", Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).setFilters(out)
                .optStride(new Shape(stride, stride)).optPadding(new Shape((kernel - 1) / 2, (kernel - 1) / 2))
                .optGroups(groups).optBias(false).build());
        bn = addChildBlock("bn", BatchNorm.builder().optEpsilon(BN_EPS).optMomentum(BN_MOMENTUM_DJL).build());
    }

    /** DJL-convention momentum used in training forward passes; see {@link MultiTaskNet#setBatchNormMomentum}. */
    private float momentum = BN_MOMENTUM_DJL;

    /** @param torchMomentum the weight of the new batch in the running statistics (PyTorch's convention) */
    void setMomentum(float torchMomentum) {
        momentum = 1 - torchMomentum;
    }

    Conv2d conv() {
        return conv;
    }

    BatchNorm bn() {
        return bn;
    }

    /**
     * Folds BatchNorm's running statistics and affine parameters into a copy of the convolution:
     * {@code w' = w * s}, {@code b' = beta - mean * s} with {@code s = gamma / sqrt(var + eps)}
     * per output channel. Inference then skips BatchNorm's pass over the feature map. The copy is
     * used only while not training and not recording gradients, and is dropped by {@link #unfold()}
     * and by any training forward pass, because the parameters it was made from may change.
     */
    void fold() {
        unfold();
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray gamma = bn.getParameters().get("gamma").getArray();
        NDArray beta = bn.getParameters().get("beta").getArray();
        NDArray mean = bn.getParameters().get("runningMean").getArray();
        NDArray var = bn.getParameters().get("runningVar").getArray();
        NDManager home = w.getManager();
        try (Autograd.Scope s = Autograd.disable(); NDManager tmp = home.newSubManager()) {
            // lend the sources to tmp so that every intermediate result is freed with it
            for (NDArray a : new NDArray[] {w, gamma, beta, mean, var}) {
                a.tempAttach(tmp);
            }
            NDArray scale = gamma.div(var.add(BN_EPS).sqrt());
            foldedWeight = w.mul(scale.reshape(w.getShape().get(0), 1, 1, 1));
            foldedBias = beta.sub(mean.mul(scale));
            foldedWeight.attach(home);
            foldedBias.attach(home);
            Shape ws = w.getShape();
            if (ws.get(2) == 1 && ws.get(3) == 1 && groups == 1 && stride.get(0) == 1) {
                foldedMatrix = foldedWeight.reshape(ws.get(0), ws.get(1));
                foldedBias3d = foldedBias.reshape(1, ws.get(0), 1);
                foldedMatrix.attach(home);
                foldedBias3d.attach(home);
            }
        }
    }

    private NDArray foldedConv(NDArray x) {
        Shape s = x.getShape();
        long hw = s.get(2) * s.get(3);
        if (foldedMatrix != null && hw >= MATMUL_MIN_PIXELS) {
            // A 1x1 convolution is a matrix product per image; on large maps with few channels the
            // batched product was measured faster than PyTorch's convolution (see MATMUL_MIN_PIXELS).
            NDArray flat = x.reshape(s.get(0), s.get(1), hw);
            NDArray y = foldedMatrix.matMul(flat);
            y.attach(x.getManager()); // the result joined the weights' manager; free it with the batch
            flat.close();
            y.addi(foldedBias3d);
            NDArray z = y.reshape(s.get(0), foldedMatrix.getShape().get(0), s.get(2), s.get(3));
            y.close();
            return z;
        }
        return Conv2d.conv2d(x, foldedWeight, foldedBias, stride, padding, new Shape(1, 1), groups).singletonOrThrow();
    }

    /** Drops the folded copy; forward passes use BatchNorm again. */
    void unfold() {
        if (foldedWeight != null) {
            foldedWeight.close();
            foldedBias.close();
            foldedWeight = null;
            foldedBias = null;
        }
        if (foldedMatrix != null) {
            foldedMatrix.close();
            foldedBias3d.close();
            foldedMatrix = null;
            foldedBias3d = null;
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        if (training) {
            unfold(); // the parameters are about to change
        }
        boolean recording = Autograd.isRecording();
        NDArray z;
        if (foldedWeight != null && !recording) {
            z = foldedConv(inputs.singletonOrThrow());
        } else {
            NDArray y = conv.forward(ps, inputs, training).singletonOrThrow();
            z = batchNorm(ps, y, training);
            if (!recording) {
                y.close(); // the conv output is dead once normalised; free it now, not at the manager's close
            }
        }
        switch (act) {
            case RELU:
                return new NDList(relu(z));
            case HARDSWISH:
                NDArray h = Activations.hardswish(z);
                if (!Autograd.isRecording()) {
                    z.close();
                }
                return new NDList(h);
            default:
                return new NDList(z);
        }
    }

    /** The BatchNorm block's parameters with this layer's momentum (the block's is fixed at build). */
    private NDArray batchNorm(ParameterStore ps, NDArray y, boolean training) {
        ai.djl.Device d = y.getDevice();
        ai.djl.util.PairList<String, ai.djl.nn.Parameter> p = bn.getParameters();
        return BatchNorm.batchNorm(y, ps.getValue(p.get("runningMean"), d, training),
                ps.getValue(p.get("runningVar"), d, training), ps.getValue(p.get("gamma"), d, training),
                ps.getValue(p.get("beta"), d, training), 1, momentum, BN_EPS, training).singletonOrThrow();
    }

    private static NDArray relu(NDArray z) {
        NDArray r = Activation.relu(z);
        if (!Autograd.isRecording()) {
            z.close();
        }
        return r;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        bn.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
    }

    /**
     * Writes the convolution with BatchNorm folded in (the same rule as {@link #fold()}, computed
     * in double precision) and the activation ({@code Relu}, {@code HardSwish}).
     */
    @Override
    public String toOnnx(OnnxGraph g, String x) {
        float[] w = OnnxWritable.values(conv.getParameters().get("weight"));
        long[] ws = OnnxWritable.shape(conv.getParameters().get("weight"));
        float[] gamma = OnnxWritable.values(bn.getParameters().get("gamma"));
        float[] beta = OnnxWritable.values(bn.getParameters().get("beta"));
        float[] mean = OnnxWritable.values(bn.getParameters().get("runningMean"));
        float[] var = OnnxWritable.values(bn.getParameters().get("runningVar"));
        int out = (int) ws[0];
        int per = w.length / out;
        float[] fw = new float[w.length];
        float[] fb = new float[out];
        for (int o = 0; o < out; o++) {
            double scale = gamma[o] / Math.sqrt(var[o] + (double) BN_EPS);
            for (int i = 0; i < per; i++) {
                fw[o * per + i] = (float) (w[o * per + i] * scale);
            }
            fb[o] = (float) (beta[o] - mean[o] * scale);
        }
        long s = stride.get(0);
        long p = padding.get(0);
        String y = g.conv(x, fw, ws, fb, new long[] {s, s}, new long[] {p, p, p, p}, new long[] {1, 1}, groups);
        switch (act) {
            case RELU:
                return g.node("Relu", y);
            case HARDSWISH:
                return g.node("HardSwish", y);
            default:
                return y;
        }
    }

    @Override
    public void mapTorchvision(String prefix, Map<Parameter, String> out) {
        out.put(conv.getParameters().get("weight"), prefix + ".0.weight");
        out.put(bn.getParameters().get("gamma"), prefix + ".1.weight");
        out.put(bn.getParameters().get("beta"), prefix + ".1.bias");
        out.put(bn.getParameters().get("runningMean"), prefix + ".1.running_mean");
        out.put(bn.getParameters().get("runningVar"), prefix + ".1.running_var");
    }
}

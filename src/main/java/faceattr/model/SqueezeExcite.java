package faceattr.model;

import faceattr.io.onnx.OnnxGraph;
import faceattr.engine.Autograd;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * Squeeze-and-excitation as in MobileNetV3: global average pool, 1x1 conv to
 * {@code make_divisible(channels / 4, 8)} with bias, ReLU, 1x1 conv back with bias, hardsigmoid
 * gate, channel-wise scale of the input. Children {@code fc1}, {@code fc2} as in torchvision.
 * Without an autograd graph the input is scaled in place and returned.
 */
final class SqueezeExcite extends AbstractBlock implements TorchvisionMapped, OnnxWritable {
    private final Conv2d fc1;
    private final Conv2d fc2;

    SqueezeExcite(int channels, int squeeze) {
        super((byte) 1);
        fc1 = addChildBlock("fc1", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(squeeze).build());
        fc2 = addChildBlock("fc2", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(channels).build());
    }

    /**
     * torchvision's {@code _make_divisible}: the nearest multiple of {@code divisor} (at least
     * {@code divisor}), bumped up one step when rounding down lost more than 10%.
     *
     * @param v the wanted width
     * @param divisor the multiple
     * @return the width used
     */
    static int makeDivisible(double v, int divisor) {
        int n = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (n < 0.9 * v) {
            n += divisor;
        }
        return n;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        Shape sh = x.getShape();
        // PyTorch's DJL mean reduces one axis at a time: flatten H, W (a view) and average once.
        NDArray flat = x.reshape(sh.get(0), sh.get(1), sh.get(2) * sh.get(3));
        NDArray mean = flat.mean(new int[] {2}, true);
        NDArray s = mean.reshape(sh.get(0), sh.get(1), 1, 1);
        NDArray a = fc1.forward(ps, new NDList(s), training).singletonOrThrow();
        NDArray r = Activation.relu(a);
        NDArray b = fc2.forward(ps, new NDList(r), training).singletonOrThrow();
        NDArray gate = Activations.hardsigmoid(b);
        if (!Autograd.isRecording()) {
            flat.close();
            mean.close();
            s.close();
            a.close();
            r.close();
            b.close();
        }
        if (!Autograd.isRecording()) {
            // No graph: scale the input in place. Only InvertedResidual uses this block, and it
            // passes the depthwise output, a temporary of its own.
            x.muli(gate);
            gate.close();
            return new NDList(x);
        }
        return new NDList(x.mul(gate));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape pooled = new Shape(in.get(0), in.get(1), 1, 1);
        fc1.initialize(manager, dataType, pooled);
        fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {pooled}));
    }

    /** {@code GlobalAveragePool}, 1x1 convs with ReLU, {@code HardSigmoid(1/6, 1/2)}, {@code Mul}. */
    @Override
    public String toOnnx(OnnxGraph g, String x) {
        String s = g.node("GlobalAveragePool", x);
        String a = g.node("Relu", conv1x1(g, s, fc1));
        String b = conv1x1(g, a, fc2);
        String gate = g.node("HardSigmoid", b, OnnxGraph.Attr.f("alpha", 1f / 6f), OnnxGraph.Attr.f("beta", 0.5f));
        return g.node("Mul", java.util.List.of(x, gate));
    }

    private static String conv1x1(OnnxGraph g, String x, Conv2d c) {
        return g.conv(x, OnnxWritable.values(c.getParameters().get("weight")),
                OnnxWritable.shape(c.getParameters().get("weight")), OnnxWritable.values(c.getParameters().get("bias")),
                new long[] {1, 1}, new long[] {0, 0, 0, 0}, new long[] {1, 1}, 1);
    }

    @Override
    public void mapTorchvision(String prefix, Map<Parameter, String> out) {
        out.put(fc1.getParameters().get("weight"), prefix + ".fc1.weight");
        out.put(fc1.getParameters().get("bias"), prefix + ".fc1.bias");
        out.put(fc2.getParameters().get("weight"), prefix + ".fc2.weight");
        out.put(fc2.getParameters().get("bias"), prefix + ".fc2.bias");
    }
}

package faceattr.reference;

import faceattr.io.onnx.OnnxGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import faceattr.core.FaceAttrException;
import faceattr.core.TfPadding;
import faceattr.io.tfjs.TfjsWeights;
import java.nio.FloatBuffer;

/**
 * A TensorFlow convolution with {@code 'same'} padding and a bias: either a plain k x k
 * convolution ({@code tf.conv2d}) or a depthwise-separable one ({@code tf.separableConv2d}:
 * depthwise k x k at the stride, then pointwise 1 x 1). TF's SAME pads the extra row and column
 * at the end (bottom, right), which PyTorch's symmetric padding cannot express, so odd totals are
 * padded explicitly with zeros first.
 */
final class TfConv extends AbstractBlock {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final boolean separable;
    private final Parameter weight;
    private final Parameter depthwise;
    private final Parameter bias;

    TfConv(int in, int out, int kernel, int stride, boolean separable) {
        super((byte) 1);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.separable = separable;
        if (separable) {
            depthwise = addParameter(Parameter.builder().setName("depthwise").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(in, 1, kernel, kernel)).build());
            weight = addParameter(Parameter.builder().setName("pointwise").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(out, in, 1, 1)).build());
        } else {
            depthwise = null;
            weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(out, in, kernel, kernel)).build());
        }
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        Shape s = x.getShape();
        int[] ph = TfPadding.same(s.get(2), kernel, stride);
        int[] pw = TfPadding.same(s.get(3), kernel, stride);
        Shape pad;
        if (ph[0] == ph[1] && pw[0] == pw[1]) {
            pad = new Shape(ph[0], pw[0]);
        } else {
            x = x.pad(new Shape(pw[0], pw[1], ph[0], ph[1]), 0f);
            pad = new Shape(0, 0);
        }
        Shape strides = new Shape(stride, stride);
        if (!separable) {
            return Conv2d.conv2d(x, w, b, strides, pad, new Shape(1, 1), 1);
        }
        NDArray dw = ps.getValue(depthwise, x.getDevice(), training);
        NDArray zero = x.getManager().zeros(new Shape(in));
        NDArray y = Conv2d.conv2d(x, dw, zero, strides, pad, new Shape(1, 1), in).singletonOrThrow();
        return Conv2d.conv2d(y, w, b);
    }

    /**
     * Writes the layer for an input of {@code side} x {@code side} pixels: TF's SAME padding as
     * explicit ONNX pads (top, left, bottom, right), the depthwise step as a grouped {@code Conv}.
     *
     * @return the output's name; its side is ceil(side / stride)
     */
    String toOnnx(OnnxGraph g, String x, int side) {
        int[] pad = TfPadding.same(side, kernel, stride);
        long[] pads = {pad[0], pad[0], pad[1], pad[1]};
        long[] strides = {stride, stride};
        long[] one = {1, 1};
        float[] b = bias.getArray().toFloatArray();
        if (!separable) {
            return g.conv(x, weight.getArray().toFloatArray(), new long[] {out, in, kernel, kernel}, b, strides, pads,
                    one, 1);
        }
        String y = g.conv(x, depthwise.getArray().toFloatArray(), new long[] {in, 1, kernel, kernel}, null, strides,
                pads, one, in);
        return g.conv(y, weight.getArray().toFloatArray(), new long[] {out, in, 1, 1}, b, one, new long[4], one, 1);
    }

    /** @return the output side for an input side */
    int outputSide(int side) {
        return (side + stride - 1) / stride;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), out, (s.get(2) + stride - 1) / stride,
            (s.get(3) + stride - 1) / stride)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // No children.
    }

    /**
     * Copies TF weights into this (initialised) layer, converting the layouts: filters
     * [kh, kw, in, out] to (out, in, kh, kw); depthwise [kh, kw, in, 1] to (in, 1, kh, kw);
     * pointwise [1, 1, in, out] to (out, in, 1, 1).
     *
     * @param w the weights
     * @param prefix the layer's name in the manifest, e.g. {@code dense0/conv1}
     * @throws FaceAttrException when a tensor is missing or has another shape
     */
    void load(TfjsWeights w, String prefix) throws FaceAttrException {
        if (separable) {
            float[] d = w.get(prefix + "/depthwise_filter", kernel, kernel, in, 1).data();
            float[] dst = new float[d.length];
            for (int c = 0; c < in; c++) {
                for (int y = 0; y < kernel; y++) {
                    for (int x = 0; x < kernel; x++) {
                        dst[(c * kernel + y) * kernel + x] = d[(y * kernel + x) * in + c];
                    }
                }
            }
            set(depthwise, dst);
            set(weight, transposeMatrix(w.get(prefix + "/pointwise_filter", 1, 1, in, out).data(), in, out));
        } else {
            float[] f = w.get(prefix + "/filters", kernel, kernel, in, out).data();
            float[] dst = new float[f.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    for (int y = 0; y < kernel; y++) {
                        for (int x = 0; x < kernel; x++) {
                            dst[((o * in + i) * kernel + y) * kernel + x] = f[((y * kernel + x) * in + i) * out + o];
                        }
                    }
                }
            }
            set(weight, dst);
        }
        set(bias, w.get(prefix + "/bias", out).data());
    }

    /** @return an [rows, cols] row-major matrix as [cols, rows] */
    static float[] transposeMatrix(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    static void set(Parameter p, float[] data) {
        NDArray a = p.getArray();
        if (a.size() != data.length) {
            throw new IllegalStateException(p.getName() + ": " + data.length + " values for " + a.getShape());
        }
        faceattr.engine.Engines.load(a, data);
    }
}

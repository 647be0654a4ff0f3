package faceattr.detect;

import faceattr.io.tflite.TfliteModel;
import faceattr.io.tflite.TfliteOperator;
import faceattr.io.tflite.TfliteTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately naive reference interpreter of TFLite float graphs, used as the oracle for
 * {@link CascadeNet}. It executes the operators of a {@link TfliteModel} in graph order on NHWC
 * float tensors with plain loops and double accumulators, and shares no code with DJL or the
 * production nets. Shapes are inferred from the actual input, so a fully convolutional graph runs
 * at any input size and batch, whatever its declared input shape.
 *
 * <p>Supported operators: CONV_2D (SAME/VALID, strides, dilation), MAX_POOL_2D (TF SAME pads
 * asymmetrically; padded cells are never chosen), RELU, NEG, EXP, ADD, SUB, MUL, DIV (numpy
 * broadcasting), REDUCE_MAX and SUM (any axes, keep_dims), FULLY_CONNECTED (input flattened in
 * memory order) and RESHAPE. Anything else throws {@link UnsupportedOperationException}.
 */
final class TfliteInterpreter {

    /** A dense row-major float tensor. */
    static final class Tensor {
        final int[] shape;
        final float[] data;

        Tensor(int[] shape, float[] data) {
            if (count(shape) != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count(shape)
                        + " values, got " + data.length);
            }
            this.shape = shape.clone();
            this.data = data;
        }

        @Override
        public String toString() {
            return "Tensor" + Arrays.toString(shape);
        }
    }

    private final TfliteModel model;

    TfliteInterpreter(TfliteModel model) {
        this.model = model;
    }

    /**
     * Runs the graph.
     *
     * @param input the single graph input, NHWC
     * @return the graph outputs in the model's output order
     */
    List<Tensor> run(Tensor input) {
        int[] inputs = model.inputs();
        if (inputs.length != 1) {
            throw new IllegalStateException("expected one graph input, got " + inputs.length);
        }
        TfliteTensor declared = model.tensors().get(inputs[0]);
        int[] ds = declared.shape();
        if (ds.length != input.shape.length || ds[ds.length - 1] != input.shape[input.shape.length - 1]) {
            throw new IllegalArgumentException("input " + Arrays.toString(input.shape) + " does not fit declared "
                    + Arrays.toString(ds));
        }
        Map<Integer, Tensor> values = new HashMap<>();
        values.put(inputs[0], input);
        for (TfliteOperator op : model.operators()) {
            Tensor out = execute(op, values);
            if (op.outputs().length != 1) {
                throw new UnsupportedOperationException(op.op() + " with " + op.outputs().length + " outputs");
            }
            values.put(op.outputs()[0], out);
        }
        List<Tensor> result = new ArrayList<>();
        for (int o : model.outputs()) {
            Tensor t = values.get(o);
            if (t == null) {
                throw new IllegalStateException("graph output " + o + " was never computed");
            }
            result.add(t);
        }
        return result;
    }

    private Tensor value(Map<Integer, Tensor> values, int index) {
        Tensor t = values.get(index);
        if (t != null) {
            return t;
        }
        TfliteTensor c = model.tensors().get(index);
        if (c.data() == null) {
            throw new IllegalStateException("tensor " + c + " is read before it is computed");
        }
        return new Tensor(c.shape(), c.data());
    }

    private int[] ints(int index) {
        TfliteTensor c = model.tensors().get(index);
        if (c.intData() == null) {
            throw new IllegalStateException("tensor " + c + " is not an int32 constant");
        }
        return c.intData();
    }

    private Tensor execute(TfliteOperator op, Map<Integer, Tensor> v) {
        int[] in = op.inputs();
        String act = op.stringOption("activation", "NONE");
        return switch (op.op()) {
            case "CONV_2D" -> activate(conv2d(value(v, in[0]), value(v, in[1]),
                    in.length > 2 && in[2] >= 0 ? value(v, in[2]) : null, op.stringOption("padding", "?"),
                    op.intOption("stride_h", 1), op.intOption("stride_w", 1), op.intOption("dilation_h", 1),
                    op.intOption("dilation_w", 1)), act);
            case "MAX_POOL_2D" -> activate(maxPool(value(v, in[0]), op.intOption("filter_h", 0),
                    op.intOption("filter_w", 0), op.intOption("stride_h", 0), op.intOption("stride_w", 0),
                    op.stringOption("padding", "?")), act);
            case "FULLY_CONNECTED" -> activate(fullyConnected(value(v, in[0]), value(v, in[1]),
                    in.length > 2 && in[2] >= 0 ? value(v, in[2]) : null), act);
            case "RELU" -> unary(value(v, in[0]), x -> Math.max(x, 0));
            case "NEG" -> unary(value(v, in[0]), x -> -x);
            case "EXP" -> unary(value(v, in[0]), Math::exp);
            case "ADD" -> activate(binary(value(v, in[0]), value(v, in[1]), (a, b) -> a + b), act);
            case "SUB" -> activate(binary(value(v, in[0]), value(v, in[1]), (a, b) -> a - b), act);
            case "MUL" -> activate(binary(value(v, in[0]), value(v, in[1]), (a, b) -> a * b), act);
            case "DIV" -> activate(binary(value(v, in[0]), value(v, in[1]), (a, b) -> a / b), act);
            case "REDUCE_MAX" -> reduce(value(v, in[0]), ints(in[1]), Boolean.TRUE.equals(op.options()
                    .get("keep_dims")), true);
            case "SUM" -> reduce(value(v, in[0]), ints(in[1]), Boolean.TRUE.equals(op.options().get("keep_dims")),
                    false);
            case "RESHAPE" -> reshape(value(v, in[0]), in.length > 1 && in[1] >= 0 ? ints(in[1])
                    : model.tensors().get(op.outputs()[0]).shape());
            default -> throw new UnsupportedOperationException("operator " + op.op() + " is not supported");
        };
    }

    static Tensor activate(Tensor t, String activation) {
        return switch (activation) {
            case "NONE" -> t;
            case "RELU" -> unary(t, x -> Math.max(x, 0));
            case "RELU6" -> unary(t, x -> Math.min(Math.max(x, 0), 6));
            case "RELU_N1_TO_1" -> unary(t, x -> Math.min(Math.max(x, -1), 1));
            default -> throw new UnsupportedOperationException("fused activation " + activation);
        };
    }

    /** TF's output size and leading pad of one axis; SAME puts the odd extra pad at the end. */
    static int[] outAndPad(int n, int k, int stride, int dilation, String padding) {
        int eff = (k - 1) * dilation + 1;
        if ("VALID".equals(padding)) {
            return new int[] {Math.max(0, (n - eff) / stride + 1), 0};
        }
        if (!"SAME".equals(padding)) {
            throw new UnsupportedOperationException("padding " + padding);
        }
        int out = (n + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + eff - n, 0);
        return new int[] {out, total / 2};
    }

    /** input [N, H, W, C], filter [O, KH, KW, C], bias [O]; zero padding. */
    static Tensor conv2d(Tensor x, Tensor w, Tensor b, String padding, int sh, int sw, int dh, int dw) {
        int n = x.shape[0];
        int h = x.shape[1];
        int wd = x.shape[2];
        int c = x.shape[3];
        int o = w.shape[0];
        int kh = w.shape[1];
        int kw = w.shape[2];
        if (w.shape[3] != c) {
            throw new IllegalArgumentException("filter " + Arrays.toString(w.shape) + " on " + x);
        }
        int[] ph = outAndPad(h, kh, sh, dh, padding);
        int[] pw = outAndPad(wd, kw, sw, dw, padding);
        int oh = ph[0];
        int ow = pw[0];
        float[] out = new float[n * oh * ow * o];
        for (int bi = 0; bi < n; bi++) {
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++) {
                    for (int f = 0; f < o; f++) {
                        double acc = b == null ? 0 : b.data[f];
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = y * sh - ph[1] + ky * dh;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = xo * sw - pw[1] + kx * dw;
                                if (ix < 0 || ix >= wd) {
                                    continue;
                                }
                                for (int ci = 0; ci < c; ci++) {
                                    acc += (double) x.data[((bi * h + iy) * wd + ix) * c + ci]
                                            * w.data[((f * kh + ky) * kw + kx) * c + ci];
                                }
                            }
                        }
                        out[((bi * oh + y) * ow + xo) * o + f] = (float) acc;
                    }
                }
            }
        }
        return new Tensor(new int[] {n, oh, ow, o}, out);
    }

    /** input [N, H, W, C]; cells of the SAME padding are skipped, never chosen. */
    static Tensor maxPool(Tensor x, int fh, int fw, int sh, int sw, String padding) {
        int n = x.shape[0];
        int h = x.shape[1];
        int wd = x.shape[2];
        int c = x.shape[3];
        int[] ph = outAndPad(h, fh, sh, 1, padding);
        int[] pw = outAndPad(wd, fw, sw, 1, padding);
        int oh = ph[0];
        int ow = pw[0];
        float[] out = new float[n * oh * ow * c];
        for (int bi = 0; bi < n; bi++) {
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++) {
                    for (int ci = 0; ci < c; ci++) {
                        float best = Float.NEGATIVE_INFINITY;
                        for (int ky = 0; ky < fh; ky++) {
                            int iy = y * sh - ph[1] + ky;
                            for (int kx = 0; kx < fw; kx++) {
                                int ix = xo * sw - pw[1] + kx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                    best = Math.max(best, x.data[((bi * h + iy) * wd + ix) * c + ci]);
                                }
                            }
                        }
                        out[((bi * oh + y) * ow + xo) * c + ci] = best;
                    }
                }
            }
        }
        return new Tensor(new int[] {n, oh, ow, c}, out);
    }

    /** weights [O, I]; the input is flattened in memory order into rows of I values. */
    static Tensor fullyConnected(Tensor x, Tensor w, Tensor b) {
        int o = w.shape[0];
        int in = w.shape[1];
        if (x.data.length % in != 0) {
            throw new IllegalArgumentException(x + " cannot be flattened into rows of " + in);
        }
        int batch = x.data.length / in;
        float[] out = new float[batch * o];
        for (int r = 0; r < batch; r++) {
            for (int f = 0; f < o; f++) {
                double acc = b == null ? 0 : b.data[f];
                for (int i = 0; i < in; i++) {
                    acc += (double) x.data[r * in + i] * w.data[f * in + i];
                }
                out[r * o + f] = (float) acc;
            }
        }
        return new Tensor(new int[] {batch, o}, out);
    }

    interface Unary {
        double apply(double x);
    }

    interface Binary {
        double apply(double a, double b);
    }

    static Tensor unary(Tensor x, Unary f) {
        float[] out = new float[x.data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) f.apply(x.data[i]);
        }
        return new Tensor(x.shape, out);
    }

    /** Elementwise with numpy broadcasting (shapes aligned at the right, size-1 axes stretched). */
    static Tensor binary(Tensor a, Tensor b, Binary f) {
        int rank = Math.max(a.shape.length, b.shape.length);
        int[] sa = rightAligned(a.shape, rank);
        int[] sb = rightAligned(b.shape, rank);
        int[] so = new int[rank];
        for (int d = 0; d < rank; d++) {
            if (sa[d] != sb[d] && sa[d] != 1 && sb[d] != 1) {
                throw new IllegalArgumentException("cannot broadcast " + a + " with " + b);
            }
            so[d] = sa[d] == 1 ? sb[d] : sa[d];
        }
        float[] out = new float[count(so)];
        int[] idx = new int[rank];
        for (int i = 0; i < out.length; i++) {
            unravel(i, so, idx);
            out[i] = (float) f.apply(a.data[broadcastIndex(idx, sa)], b.data[broadcastIndex(idx, sb)]);
        }
        return new Tensor(so, out);
    }

    /** Max or sum over the given axes (negative counts from the end). */
    static Tensor reduce(Tensor x, int[] axes, boolean keepDims, boolean max) {
        int rank = x.shape.length;
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            int axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank) {
                throw new IllegalArgumentException("axis " + a + " of " + x);
            }
            reduced[axis] = true;
        }
        int[] kept = x.shape.clone();
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                kept[d] = 1;
            }
        }
        double[] acc = new double[count(kept)];
        Arrays.fill(acc, max ? Double.NEGATIVE_INFINITY : 0);
        int[] idx = new int[rank];
        for (int i = 0; i < x.data.length; i++) {
            unravel(i, x.shape, idx);
            int j = broadcastIndex(idx, kept);
            acc[j] = max ? Math.max(acc[j], x.data[i]) : acc[j] + x.data[i];
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) acc[i];
        }
        if (keepDims) {
            return new Tensor(kept, out);
        }
        int[] squeezed = new int[rank - (int) countTrue(reduced)];
        for (int d = 0, k = 0; d < rank; d++) {
            if (!reduced[d]) {
                squeezed[k++] = x.shape[d];
            }
        }
        return new Tensor(squeezed, out);
    }

    static Tensor reshape(Tensor x, int[] target) {
        int[] s = target.clone();
        int unknown = -1;
        long known = 1;
        for (int d = 0; d < s.length; d++) {
            if (s[d] == -1) {
                unknown = d;
            } else {
                known *= s[d];
            }
        }
        if (unknown >= 0) {
            s[unknown] = (int) (x.data.length / known);
        }
        return new Tensor(s, x.data);
    }

    private static long countTrue(boolean[] b) {
        long n = 0;
        for (boolean v : b) {
            n += v ? 1 : 0;
        }
        return n;
    }

    private static int[] rightAligned(int[] shape, int rank) {
        int[] s = new int[rank];
        Arrays.fill(s, 1);
        System.arraycopy(shape, 0, s, rank - shape.length, shape.length);
        return s;
    }

    private static void unravel(int flat, int[] shape, int[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    /** Row-major index into a tensor of shape s (same rank as idx; size-1 axes read index 0). */
    private static int broadcastIndex(int[] idx, int[] s) {
        int i = 0;
        for (int d = 0; d < s.length; d++) {
            i = i * s[d] + (s[d] == 1 ? 0 : idx[d]);
        }
        return i;
    }

    static int count(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Math.toIntExact(n);
    }
}

package faceattr.detect;

import faceattr.engine.MaxPool;
import faceattr.io.onnx.OnnxGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import faceattr.core.FaceAttrException;
import faceattr.io.tflite.TfliteModel;
import java.util.ArrayList;
import java.util.List;

/**
 * One stage of the MTCNN cascade (P-Net, R-Net or O-Net) as DJL blocks, with an optional
 * receptive-field enhancement block on its last feature map.
 *
 * <p>Input: (N, 3, H, W) in image orientation, RGB, {@code (v - 127.5) / 128}. The pretrained
 * Caffe weights were trained on transposed images; instead of transposing every input, the
 * kernels are transposed (kh, kw swapped) and the fully connected weights permuted once when
 * loading, which is exactly equivalent.
 *
 * <p>Outputs: P-Net: face probability map (N, H', W') and box regression (N, 4, H', W');
 * R-Net: probability (N) and regression (N, 4); O-Net: also landmarks (N, 10) as fractions of
 * the box, 5 x values then 5 y values. Regression channels are (dx1, dy1, dx2, dy2) as fractions
 * of the box width and height.
 */
final class CascadeNet extends AbstractBlock {

    /** The three stages. */
    enum Stage {
        PNET(12, new int[][] {{3, 10, 2, 2, 1}, {3, 16, 0, 0, 0}, {3, 32, 0, 0, 0}}, 0, 0),
        RNET(24, new int[][] {{3, 28, 3, 2, 1}, {3, 48, 3, 2, 0}, {2, 64, 0, 0, 0}}, 128, 3 * 3),
        ONET(48, new int[][] {{3, 32, 3, 2, 1}, {3, 64, 3, 2, 0}, {3, 64, 2, 2, 1}, {2, 128, 0, 0, 0}}, 256, 3 * 3);

        /** The input side in pixels (P-Net's window). */
        final int size;
        /** Per conv: kernel, filters, pool kernel (0 = none), pool stride, pool SAME (1) or VALID (0). */
        final int[][] convs;
        /** Width of the fully connected layer (0 for the fully convolutional P-Net). */
        final int fc;
        /** Spatial positions feeding the fully connected layer. */
        final int fcPositions;

        Stage(int size, int[][] convs, int fc, int fcPositions) {
            this.size = size;
            this.convs = convs;
            this.fc = fc;
            this.fcPositions = fcPositions;
        }
    }

    final Stage stage;
    final List<Conv2d> convs = new ArrayList<>();
    final List<ChannelPrelu> prelus = new ArrayList<>();
    private final List<SamePool> pools = new ArrayList<>();
    private final RfbBlock rfb;
    final Linear fc;
    final ChannelPrelu fcPrelu;
    final List<Block> heads = new ArrayList<>();

    CascadeNet(Stage stage, boolean rfe) {
        super((byte) 1);
        this.stage = stage;
        int i = 0;
        int channels = 3;
        for (int[] c : stage.convs) {
            i++;
            convs.add(addChildBlock("conv" + i, Conv2d.builder().setKernelShape(new Shape(c[0], c[0]))
                    .setFilters(c[1]).build()));
            prelus.add(addChildBlock("prelu" + i, new ChannelPrelu(c[1])));
            pools.add(c[2] == 0 ? null : addChildBlock("pool" + i, new SamePool(c[2], c[3], c[4] == 1)));
            channels = c[1];
        }
        rfb = rfe ? addChildBlock("rfe", new RfbBlock(channels)) : null;
        int[] headSizes = stage == Stage.ONET ? new int[] {2, 4, 10} : new int[] {2, 4};
        if (stage == Stage.PNET) {
            fc = null;
            fcPrelu = null;
            for (int h : headSizes) {
                heads.add(addChildBlock("head" + h, Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(h)
                        .build()));
            }
        } else {
            fc = addChildBlock("fc", Linear.builder().setUnits(stage.fc).build());
            fcPrelu = addChildBlock("fcprelu", new ChannelPrelu(stage.fc));
            for (int h : headSizes) {
                heads.add(addChildBlock("head" + h, Linear.builder().setUnits(h).build()));
            }
        }
    }

    Stage stage() {
        return stage;
    }

    /** @return the receptive-field block, or null when RFE is off */
    RfbBlock rfb() {
        return rfb;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        int first = 0;
        if (stage == Stage.PNET && !training && x.getShape().get(2) % 2 == 0 && x.getShape().get(3) % 2 == 0) {
            x = phaseConvPool(ps, x);
            first = 1;
        }
        for (int i = first; i < convs.size(); i++) {
            x = convs.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
            x = prelus.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
            if (pools.get(i) != null) {
                x = pools.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
            }
        }
        if (rfb != null) {
            x = rfb.forward(ps, new NDList(x), training).singletonOrThrow();
        }
        NDList out = new NDList();
        if (stage == Stage.PNET && !training) {
            return mergedPnetHeads(ps, x);
        }
        if (stage == Stage.PNET) {
            NDArray logits = heads.get(0).forward(ps, new NDList(x), training).singletonOrThrow();
            out.add(logits.softmax(1).get(":, 1"));
            out.add(heads.get(1).forward(ps, new NDList(x), training).singletonOrThrow());
            return out;
        }
        x = x.reshape(x.getShape().get(0), -1);
        x = fc.forward(ps, new NDList(x), training).singletonOrThrow();
        x = fcPrelu.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray logits = heads.get(0).forward(ps, new NDList(x), training).singletonOrThrow();
        out.add(logits.softmax(1).get(":, 1"));
        for (int i = 1; i < heads.size(); i++) {
            out.add(heads.get(i).forward(ps, new NDList(x), training).singletonOrThrow());
        }
        return out;
    }

    /**
     * P-Net's conv1 (3x3, stride 1) + PReLU + 2x2/2 max pool, computed as one stride-2 4x4
     * convolution producing the 4 pooling phases (40 channels), PReLU on them, and an elementwise
     * max over the phases. Same result up to float rounding, about 2.5 times faster: a 3-channel
     * stride-1 convolution and a max pool over a full-resolution 10-channel map are both memory
     * bound. Valid for even input sizes (then TF's SAME pool adds no padding).
     */
    private NDArray phaseConvPool(ParameterStore ps, NDArray x) {
        Conv2d conv = convs.get(0);
        NDArray w = ps.getValue(conv.getParameters().get("weight"), x.getDevice(), false);
        NDArray b = ps.getValue(conv.getParameters().get("bias"), x.getDevice(), false);
        NDArray a = ps.getValue(prelus.get(0).getParameters().get("alpha"), x.getDevice(), false);
        int out = (int) w.getShape().get(0);
        // Output channels padded to a multiple of 16 with zero filters: oneDNN's kernel for 48
        // outputs was faster than for 40 (1152x768, one thread: 14.2 against 16.0 ms).
        int padded = (4 * out + 15) / 16 * 16;
        float[] w3 = w.toFloatArray();
        float[] w4 = new float[padded * 3 * 16];
        for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
                int phase = dy * 2 + dx;
                for (int o = 0; o < out; o++) {
                    for (int c = 0; c < 3; c++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                w4[(((phase * out + o) * 3 + c) * 4 + ky + dy) * 4 + kx + dx] =
                                        w3[((o * 3 + c) * 3 + ky) * 3 + kx];
                            }
                        }
                    }
                }
            }
        }
        NDManager m = x.getManager();
        float[] b4 = new float[padded];
        float[] b1 = b.toFloatArray();
        for (int phase = 0; phase < 4; phase++) {
            System.arraycopy(b1, 0, b4, phase * out, out);
        }
        NDArray weight = m.create(w4, new Shape(padded, 3, 4, 4));
        NDArray y = Conv2d.conv2d(x, weight, m.create(b4), new Shape(2, 2)).singletonOrThrow();
        if (padded != 4 * out) {
            y = y.get(":, 0:" + 4 * out);
        }
        // PReLU with slopes above 1 and below 0: y + (alpha - 1) * min(y, 0), in place. The
        // slopes are built in the batch's manager (an op on the parameter would leave its result
        // in the network's manager for as long as the network lives).
        float[] a1 = a.toFloatArray();
        float[] slopes = new float[4 * out];
        for (int i = 0; i < slopes.length; i++) {
            slopes[i] = a1[i % out] - 1;
        }
        NDArray z = y.minimum(0f);
        z.muli(m.create(slopes, new Shape(1, 4 * out, 1, 1)));
        z.addi(y);
        NDArray m01 = z.get(":, 0:" + out).maximum(z.get(":, " + out + ":" + 2 * out));
        NDArray m23 = z.get(":, " + 2 * out + ":" + 3 * out).maximum(z.get(":, " + 3 * out + ":"));
        return m01.maximum(m23);
    }

    /**
     * P-Net's two 1x1 heads as one 1x1 convolution with 5 outputs: the difference of the two face
     * logits, whose sigmoid is the softmax's face probability, and the 4 box offsets. One pass
     * over the 32-channel map instead of two, and no softmax over a 2-channel map.
     */
    private NDList mergedPnetHeads(ParameterStore ps, NDArray x) {
        float[] wc = param(ps, heads.get(0), "weight", x);
        float[] bc = param(ps, heads.get(0), "bias", x);
        float[] wb = param(ps, heads.get(1), "weight", x);
        float[] bb = param(ps, heads.get(1), "bias", x);
        int in = wc.length / 2;
        float[] w = new float[5 * in];
        for (int c = 0; c < in; c++) {
            w[c] = wc[in + c] - wc[c];
        }
        System.arraycopy(wb, 0, w, in, 4 * in);
        float[] b = {bc[1] - bc[0], bb[0], bb[1], bb[2], bb[3]};
        NDManager m = x.getManager();
        NDArray y = Conv2d.conv2d(x, m.create(w, new Shape(5, in, 1, 1)), m.create(b)).singletonOrThrow();
        return new NDList(ai.djl.nn.Activation.sigmoid(y.get(":, 0")), y.get(":, 1:5"));
    }

    private static float[] param(ParameterStore ps, Block b, String name, NDArray x) {
        return ps.getValue(b.getParameters().get(name), x.getDevice(), false).toFloatArray();
    }

    /** The written graph's input name. */
    static final String ONNX_INPUT = "image";

    /**
     * Writes this stage as an ONNX graph from its current weights (kernels already in image
     * orientation): input {@value #ONNX_INPUT}, normalised {@code (v - 127.5) / 128}: P-Net
     * (batch, 3, height, width) planar with dynamic height and width; R-Net and O-Net
     * (batch, size, size, 3) channels-last, as their crops are cut. Outputs {@code probability}
     * (P-Net: (batch, 1, h', w'); else (batch, 1)), {@code regression} (P-Net: (batch, 4, h', w');
     * else (batch, 4)) and, for O-Net, {@code landmarks} (batch, 10). TF 'same' pools are
     * {@code auto_pad = SAME_UPPER}, which pads the odd extra row and column at the end as TF does.
     *
     * @param g an empty graph
     */
    void toOnnx(OnnxGraph g) {
        String x;
        if (stage == Stage.PNET) {
            x = g.input(ONNX_INPUT, "batch", 3, "height", "width");
        } else {
            String in = g.input(ONNX_INPUT, "batch", stage.size, stage.size, 3);
            x = g.node("Transpose", in, OnnxGraph.Attr.ints("perm", 0, 3, 1, 2));
        }
        int[] order = null;
        for (int i = 0; i < convs.size(); i++) {
            if (stage.convs[i][2] > 0) {
                Mapped m = convPreluPool(g, x, i, order);
                x = m.name();
                order = m.order();
            } else {
                Conv2d c = convs.get(i);
                x = g.conv(x, inputOrdered(i, order), c.getParameters().get("weight").getArray().getShape().getShape(),
                        c.getParameters().get("bias").getArray().toFloatArray(), new long[] {1, 1}, new long[4],
                        new long[] {1, 1}, 1);
                x = prelus.get(i).toOnnx(g, x, true);
                order = null;
            }
        }
        if (rfb != null) {
            x = rfb.toOnnx(g, x);
        }
        if (stage == Stage.PNET) {
            // The face probability softmax(l0, l1)[1] = sigmoid(l1 - l0): one 1x1 convolution with the
            // difference of the two logit filters, the sigmoid fused into it; no softmax over a
            // 2-channel map (6.5 of 65 ms on 1152x768).
            float[] wc = heads.get(0).getParameters().get("weight").getArray().toFloatArray();
            float[] bc = heads.get(0).getParameters().get("bias").getArray().toFloatArray();
            int in = wc.length / 2;
            float[] wd = new float[in];
            for (int k = 0; k < in; k++) {
                wd[k] = wc[in + k] - wc[k];
            }
            long[] one = {1, 1};
            String logit = g.conv(x, wd, new long[] {1, in, 1, 1}, new float[] {bc[1] - bc[0]}, one, new long[4],
                    one, 1);
            g.output(g.node("Sigmoid", logit), "probability", "batch", 1, "out_height", "out_width");
            g.output(convPadded(g, x, (Conv2d) heads.get(1), 0, 0, 1), "regression", "batch", 4, "out_height",
                    "out_width");
            return;
        }
        x = g.node("Flatten", x, OnnxGraph.Attr.i("axis", 1));
        x = g.gemm(x, fc.getParameters().get("weight").getArray().toFloatArray(), stage.fc,
                fc.getParameters().get("bias").getArray().toFloatArray());
        x = fcPrelu.toOnnx(g, x, false);
        String[] names = {"probability", "regression", "landmarks"};
        for (int i = 0; i < heads.size(); i++) {
            ai.djl.nn.core.Linear h = (ai.djl.nn.core.Linear) heads.get(i);
            int out = i == 0 ? 2 : i == 1 ? 4 : 10;
            String y = g.gemm(x, h.getParameters().get("weight").getArray().toFloatArray(), out,
                    h.getParameters().get("bias").getArray().toFloatArray());
            if (i == 0) {
                y = slice(g, g.node("Softmax", y, OnnxGraph.Attr.i("axis", 1)), 1, 2);
                out = 1;
            }
            g.output(y, names[i], "batch", out);
        }
    }

    /** A value written into the graph, with the order of its channels (null: the net's own). */
    private record Mapped(String name, int[] order) {
    }

    /** The weights of convolution i, its input channels reordered to {@code order} when given. */
    private float[] inputOrdered(int i, int[] order) {
        float[] w = convs.get(i).getParameters().get("weight").getArray().toFloatArray();
        if (order == null) {
            return w;
        }
        long[] s = convs.get(i).getParameters().get("weight").getArray().getShape().getShape();
        int out = (int) s[0];
        int in = (int) s[1];
        int area = (int) (s[2] * s[3]);
        float[] r = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < in; j++) {
                System.arraycopy(w, (o * in + order[j]) * area, r, (o * in + j) * area, area);
            }
        }
        return r;
    }

    /**
     * Convolution i, its PReLU and the max pool after it, pooling first. A PReLU is
     * non-decreasing where its slope is >= 0 and convex (V-shaped) where it is negative, so over
     * a window its largest value is at the window's largest input, or, for a negative slope, at
     * the largest or the smallest: {@code maxpool(prelu(y)) = max(prelu(maxpool(y)),
     * prelu(-maxpool(-y)))}, exactly. The convolution computes y for all channels and -y for those
     * with a negative slope (filters -W) in one pass, zero filters fill it up to a multiple of 16
     * channels, the pool takes them all, and the PReLUs then run on a quarter of the values. ONNX
     * Runtime then keeps the convolution and the pool in its blocked layout (16 channels with
     * AVX-512): on P-Net's first level (1152x768) the stage took 52 ms against 65 ms with the PReLU
     * over the full map and its layout conversions. The channels with negative slopes come first
     * in the output; {@link Mapped#order} says which channel is where, and the next convolution's
     * weights are reordered to match, so nothing is moved at run time.
     */
    private Mapped convPreluPool(OnnxGraph g, String x, int i, int[] inputOrder) {
        Conv2d c = convs.get(i);
        float[] w = inputOrdered(i, inputOrder);
        long[] ws = c.getParameters().get("weight").getArray().getShape().getShape();
        float[] b = c.getParameters().get("bias").getArray().toFloatArray();
        float[] a = prelus.get(i).slopes();
        int out = (int) ws[0];
        int per = w.length / out;
        List<Integer> neg = new ArrayList<>();
        List<Integer> pos = new ArrayList<>();
        for (int k = 0; k < out; k++) {
            (a[k] < 0 ? neg : pos).add(k);
        }
        int[] order = new int[out];
        for (int k = 0; k < out; k++) {
            order[k] = k < neg.size() ? neg.get(k) : pos.get(k - neg.size());
        }
        int filters = (out + neg.size() + 15) / 16 * 16;
        float[] w2 = new float[filters * per];
        float[] b2 = new float[filters];
        for (int k = 0; k < out; k++) {
            System.arraycopy(w, order[k] * per, w2, k * per, per);
            b2[k] = b[order[k]];
        }
        for (int k = 0; k < neg.size(); k++) {
            for (int j = 0; j < per; j++) {
                w2[(out + k) * per + j] = -w[neg.get(k) * per + j];
            }
            b2[out + k] = -b[neg.get(k)];
        }
        long[] one = {1, 1};
        String pooled = g.node("MaxPool", g.conv(x, w2, new long[] {filters, ws[1], ws[2], ws[3]}, b2, one,
                new long[4], one, 1), poolAttrs(i));
        float[] ordered = new float[out];
        for (int k = 0; k < out; k++) {
            ordered[k] = a[order[k]];
        }
        String high = g.node("PRelu", List.of(slice(g, pooled, 0, out), g.floats("slope", ordered, out, 1, 1)));
        if (neg.isEmpty()) {
            return new Mapped(high, order);
        }
        int n = neg.size();
        String low = g.node("PRelu", List.of(g.node("Neg", slice(g, pooled, out, out + n)),
                g.floats("slope", java.util.Arrays.copyOf(ordered, n), n, 1, 1)));
        String first = g.node("Max", List.of(slice(g, high, 0, n), low));
        return new Mapped(n == out ? first : g.node("Concat", List.of(first, slice(g, high, n, out)),
                OnnxGraph.Attr.i("axis", 1)), order);
    }

    /**
     * The attributes of pool i, with TF's padding written so that ONNX Runtime keeps the pool in
     * its blocked layout (it does not for {@code auto_pad}): explicit pads on R-Net's and
     * O-Net's fixed sizes; on P-Net's variable size, {@code ceil_mode} without pads, which for a
     * 2x2/2 window gives TF SAME's output (the last window, when the side is odd, covers only the
     * values inside, as SAME's padding with minus infinity does).
     */
    private OnnxGraph.Attr[] poolAttrs(int i) {
        int[] c = stage.convs[i];
        OnnxGraph.Attr k = OnnxGraph.Attr.ints("kernel_shape", c[2], c[2]);
        OnnxGraph.Attr st = OnnxGraph.Attr.ints("strides", c[3], c[3]);
        if (c[4] == 0) {
            return new OnnxGraph.Attr[] {k, st};
        }
        if (stage == Stage.PNET) {
            if (c[2] != 2 || c[3] != 2) {
                throw new IllegalStateException("P-Net's SAME pool is written for 2x2/2 windows");
            }
            return new OnnxGraph.Attr[] {k, st, OnnxGraph.Attr.i("ceil_mode", 1)};
        }
        long side = stage.size;
        for (int j = 0; j <= i; j++) {
            side = side - stage.convs[j][0] + 1;
            if (j < i && stage.convs[j][2] > 0) {
                side = MaxPool.outputLength(side, stage.convs[j][2], stage.convs[j][3], stage.convs[j][4] == 1);
            }
        }
        int[] p = faceattr.core.TfPadding.same(side, c[2], c[3]);
        return new OnnxGraph.Attr[] {k, st, OnnxGraph.Attr.ints("pads", p[0], p[0], p[1], p[1])};
    }

    /** Channels [from, to) of axis 1. */
    private static String slice(OnnxGraph g, String x, long from, long to) {
        return g.node("Slice", java.util.List.of(x, g.longs("starts", from), g.longs("ends", to), g.longs("axes", 1)));
    }

    /** A DJL convolution with its bias, with symmetric padding and dilation. */
    static String conv(OnnxGraph g, String x, Conv2d c, int pad, int dilation) {
        return convPadded(g, x, c, pad, pad, dilation);
    }

    /** A DJL convolution with its bias, padding (ph, pw) on both sides, and dilation. */
    static String convPadded(OnnxGraph g, String x, Conv2d c, int ph, int pw, int dilation) {
        return g.conv(x, c.getParameters().get("weight").getArray().toFloatArray(),
                c.getParameters().get("weight").getArray().getShape().getShape(),
                c.getParameters().get("bias").getArray().toFloatArray(), new long[] {1, 1},
                new long[] {ph, pw, ph, pw}, new long[] {dilation, dilation}, 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long n = s.get(0);
        if (stage == Stage.PNET) {
            long h = s.get(2);
            long w = s.get(3);
            for (int[] c : stage.convs) {
                h = h - c[0] + 1;
                w = w - c[0] + 1;
                if (c[2] > 0) {
                    h = c[4] == 1 ? (h + c[3] - 1) / c[3] : (h - c[2]) / c[3] + 1;
                    w = c[4] == 1 ? (w + c[3] - 1) / c[3] : (w - c[2]) / c[3] + 1;
                }
            }
            return new Shape[] {new Shape(n, h, w), new Shape(n, 4, h, w)};
        }
        return stage == Stage.ONET ? new Shape[] {new Shape(n), new Shape(n, 4), new Shape(n, 10)}
                : new Shape[] {new Shape(n), new Shape(n, 4)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        for (int i = 0; i < convs.size(); i++) {
            convs.get(i).initialize(manager, dataType, s);
            s = convs.get(i).getOutputShapes(new Shape[] {s})[0];
            prelus.get(i).initialize(manager, dataType, s);
            if (pools.get(i) != null) {
                s = pools.get(i).getOutputShapes(new Shape[] {s})[0];
            }
        }
        if (rfb != null) {
            rfb.initialize(manager, dataType, s);
            rfb.zeroProjection();
        }
        if (stage == Stage.PNET) {
            for (Block h : heads) {
                h.initialize(manager, dataType, s);
            }
            return;
        }
        Shape flat = new Shape(s.get(0), s.get(1) * s.get(2) * s.get(3));
        fc.initialize(manager, dataType, flat);
        Shape hidden = new Shape(s.get(0), stage.fc);
        fcPrelu.initialize(manager, dataType, hidden);
        for (Block h : heads) {
            h.initialize(manager, dataType, hidden);
        }
    }

    /**
     * Copies the pretrained weights of one TFLite stage into this (initialised) net; see
     * {@link CascadeWeights}.
     */
    void loadTflite(TfliteModel m) throws FaceAttrException {
        CascadeWeights.load(this, m);
    }
}

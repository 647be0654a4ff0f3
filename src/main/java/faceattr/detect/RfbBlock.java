package faceattr.detect;

import faceattr.io.onnx.OnnxGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import faceattr.engine.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * Receptive-field enhancement: an RFB-s style block (RFBNet, ECCV 2018) used residually,
 * {@code y = x + 0.1 * proj(concat(branches(x)))}.
 *
 * <p>Four branches, each a 1x1 reduction, an optional 3x3 (or 1x3 / 3x1) conv and a 3x3 conv
 * dilated by 1, 3, 3 and 5. The 1x1 projection back to the input width is zero-initialised by
 * {@link #zeroProjection()}, so a freshly added block is an exact identity: a pretrained cascade
 * gives bit-for-bit the same outputs until the block is fine-tuned. The shortcut is the identity
 * (not a 1x1 conv as in RFBNet) so that this property holds without touching pretrained layers.
 */
final class RfbBlock extends AbstractBlock {
    /** Residual scale, as in RFBNet. */
    static final float SCALE = 0.1f;
    /** Per branch: (kh, kw) of the middle conv (0 = none) and the dilation of the last. */
    private static final int[][] SPEC = {{0, 0, 1}, {3, 3, 3}, {1, 3, 3}, {3, 1, 5}};

    private final List<Block> branches = new ArrayList<>();
    private final Conv2d projection;

    RfbBlock(int channels) {
        super((byte) 1);
        int inner = Math.max(4, channels / 4);
        int[][] spec = SPEC;
        for (int i = 0; i < spec.length; i++) {
            SequentialBlock b = new SequentialBlock();
            b.add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(inner).build());
            b.add(Activation.reluBlock());
            int kh = spec[i][0];
            int kw = spec[i][1];
            if (kh > 0) {
                b.add(Conv2d.builder().setKernelShape(new Shape(kh, kw)).setFilters(inner)
                        .optPadding(new Shape(kh / 2, kw / 2)).build());
                b.add(Activation.reluBlock());
            }
            int d = spec[i][2];
            b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(inner)
                    .optDilation(new Shape(d, d)).optPadding(new Shape(d, d)).build());
            b.add(Activation.reluBlock());
            branches.add(addChildBlock("branch" + i, b));
        }
        projection = addChildBlock("projection", Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(channels).build());
    }

    /** Sets the projection to zero, making the block an exact identity. Call after initialisation. */
    void zeroProjection() {
        projection.getParameters().values().forEach(p -> p.getArray().muli(0f));
    }

    /** @return the projection's blocks, for tests of fine-tunability */
    Conv2d projection() {
        return projection;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        NDList outs = new NDList();
        for (Block b : branches) {
            outs.add(b.forward(ps, new NDList(x), training).singletonOrThrow());
        }
        NDArray cat = NDArrays.concat(outs, 1);
        NDArray y = projection.forward(ps, new NDList(cat), training).singletonOrThrow();
        // Scalars.mul: a plain y.mul(SCALE) corrupts gradients in DJL 0.36 (see Scalars).
        return new NDList(x.add(Scalars.mul(y, SCALE)));
    }

    /** {@code x + 0.1 * proj(concat(branches(x)))} with the same pads and dilations. */
    String toOnnx(OnnxGraph g, String x) {
        int[][] spec = SPEC;
        java.util.List<String> outs = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            java.util.List<Conv2d> convs = new ArrayList<>();
            for (ai.djl.util.Pair<String, Block> c : branches.get(i).getChildren()) {
                if (c.getValue() instanceof Conv2d conv) {
                    convs.add(conv);
                }
            }
            int k = 0;
            String y = g.node("Relu", CascadeNet.conv(g, x, convs.get(k++), 0, 1));
            if (spec[i][0] > 0) {
                y = g.node("Relu", CascadeNet.convPadded(g, y, convs.get(k++), spec[i][0] / 2, spec[i][1] / 2, 1));
            }
            int d = spec[i][2];
            outs.add(g.node("Relu", CascadeNet.conv(g, y, convs.get(k), d, d)));
        }
        String cat = g.node("Concat", outs, OnnxGraph.Attr.i("axis", 1));
        String p = CascadeNet.conv(g, cat, projection, 0, 1);
        return g.node("Add", java.util.List.of(x, g.node("Mul", java.util.List.of(p, g.scalar("scale", SCALE)))));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long total = 0;
        Shape branchOut = null;
        for (Block b : branches) {
            b.initialize(manager, dataType, in);
            branchOut = b.getOutputShapes(new Shape[] {in})[0];
            total += branchOut.get(1);
        }
        projection.initialize(manager, dataType, new Shape(in.get(0), total, branchOut.get(2), branchOut.get(3)));
    }
}

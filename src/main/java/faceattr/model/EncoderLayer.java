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
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A pre-norm transformer encoder layer: {@code x + drop(attn(LN(x)))}, then
 * {@code x + drop(fc2(gelu(fc1(LN(x)))))}. Pre-norm keeps the residual path an identity, which
 * trains stably from random initialisation without warm-up (unlike the post-norm layers of
 * DJL's BERT-style {@code TransformerEncoderBlock}).
 */
final class EncoderLayer extends AbstractBlock implements OnnxWritable {
    private final float dropout;
    private final LayerNorm norm1;
    private final SelfAttention attention;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;

    EncoderLayer(int dim, int heads, int mlpRatio, float dropout) {
        super((byte) 1);
        this.dropout = dropout;
        norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).build());
        attention = addChildBlock("attention", new SelfAttention(dim, heads, dropout));
        norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).build());
        fc1 = addChildBlock("fc1", Linear.builder().setUnits((long) mlpRatio * dim).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        boolean free = !Autograd.isRecording();
        NDArray a = norm1.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray b = attention.forward(ps, new NDList(a), training).singletonOrThrow();
        NDArray h = x.add(drop(b, training));
        NDArray c = norm2.forward(ps, new NDList(h), training).singletonOrThrow();
        NDArray d = fc1.forward(ps, new NDList(c), training).singletonOrThrow();
        NDArray e = Activation.gelu(d);
        NDArray f = fc2.forward(ps, new NDList(e), training).singletonOrThrow();
        if (free) {
            new NDList(a, b, c, d, e).close();
            return new NDList(h.addi(drop(f, training))); // h is our temporary; no graph to protect
        }
        return new NDList(h.add(drop(f, training)));
    }

    private NDArray drop(NDArray x, boolean training) {
        return training && dropout > 0f ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
    }

    /** Pre-norm attention and MLP with residuals; GELU written exactly, {@code x/2 (1 + erf(x/sqrt 2))}. */
    @Override
    public String toOnnx(OnnxGraph g, String x) {
        String a = OnnxWritable.layerNorm(g, x, norm1);
        String h = g.node("Add", java.util.List.of(x, attention.toOnnx(g, a)));
        String d = OnnxWritable.linear(g, OnnxWritable.layerNorm(g, h, norm2), fc1);
        String scaled = g.node("Mul", java.util.List.of(d, g.scalar("inv_sqrt2", (float) (1 / Math.sqrt(2)))));
        String erf = g.node("Erf", scaled);
        String e = g.node("Mul", java.util.List.of(g.node("Mul", java.util.List.of(d, g.scalar("half", 0.5f))),
                g.node("Add", java.util.List.of(erf, g.scalar("one", 1f)))));
        return g.node("Add", java.util.List.of(h, OnnxWritable.linear(g, e, fc2)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        norm1.initialize(manager, dataType, s);
        attention.initialize(manager, dataType, s);
        norm2.initialize(manager, dataType, s);
        fc1.initialize(manager, dataType, s);
        fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {s}));
    }
}

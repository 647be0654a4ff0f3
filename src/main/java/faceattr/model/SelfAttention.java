package faceattr.model;

import faceattr.io.onnx.OnnxGraph;
import faceattr.engine.Autograd;
import faceattr.engine.Scalars;
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
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention over (N, T, D) tokens: one fused Q/K/V projection (D to 3D, the
 * layout of PyTorch's {@code nn.MultiheadAttention.in_proj_weight}), scaled dot products per head,
 * softmax over keys, attention dropout, output projection (D to D).
 */
final class SelfAttention extends AbstractBlock implements OnnxWritable {
    private final int dim;
    private final int heads;
    private final float dropout;
    private final Linear qkv;
    private final Linear out;

    SelfAttention(int dim, int heads, float dropout) {
        super((byte) 1);
        this.dim = dim;
        this.heads = heads;
        this.dropout = dropout;
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).build());
        out = addChildBlock("out", Linear.builder().setUnits(dim).build());
        // Xavier-uniform, as PyTorch initialises its attention projections; DJL's default (He,
        // fan-in) is meant for layers followed by ReLU.
        setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3f), Parameter.Type.WEIGHT);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long t = s.get(1);
        long dh = dim / heads;
        boolean free = !Autograd.isRecording();
        NDArray proj = qkv.forward(ps, new NDList(x), training).singletonOrThrow();
        // (N, T, 3D) -> (3, N, H, T, Dh): one permute, then q, k, v are views
        NDArray grouped = proj.reshape(n, t, 3, heads, dh);
        NDArray split = grouped.transpose(2, 0, 3, 1, 4);
        NDArray q = split.get(0);
        NDArray k = split.get(1);
        NDArray v = split.get(2);
        NDArray qs = Scalars.mul(q, (float) (1.0 / Math.sqrt(dh))); // scale q (T*Dh) rather than the scores (T*T)
        NDArray kt = k.transpose(0, 1, 3, 2);
        NDArray scores = qs.matMul(kt);
        NDArray attn = scores.softmax(-1);
        if (training && dropout > 0f) {
            attn = Dropout.dropout(attn, dropout, true).singletonOrThrow();
        }
        NDArray mixed = attn.matMul(v);
        NDArray perm = mixed.transpose(0, 2, 1, 3);
        NDArray ctx = perm.reshape(n, t, dim);
        NDArray y = out.forward(ps, new NDList(ctx), training).singletonOrThrow();
        if (free) {
            new NDList(proj, grouped, split, q, k, v, qs, kt, scores, attn, mixed, perm, ctx).close();
        }
        return new NDList(y);
    }

    /** The same products as {@link #forwardInternal}, on (N, T, D) with a dynamic N. */
    @Override
    public String toOnnx(OnnxGraph g, String x) {
        long dh = dim / heads;
        String proj = OnnxWritable.linear(g, x, qkv);
        String grouped = g.node("Reshape", java.util.List.of(proj, g.longs("shape", 0, 0, 3, heads, dh)));
        String split = g.node("Transpose", grouped, OnnxGraph.Attr.ints("perm", 2, 0, 3, 1, 4));
        String[] qkvParts = new String[3];
        for (int i = 0; i < 3; i++) {
            qkvParts[i] = g.node("Gather", java.util.List.of(split, g.longScalar("index", i)),
                    OnnxGraph.Attr.i("axis", 0));
        }
        String qs = g.node("Mul", java.util.List.of(qkvParts[0], g.scalar("scale", (float) (1.0 / Math.sqrt(dh)))));
        String kt = g.node("Transpose", qkvParts[1], OnnxGraph.Attr.ints("perm", 0, 1, 3, 2));
        String scores = g.node("MatMul", java.util.List.of(qs, kt));
        String attn = g.node("Softmax", scores, OnnxGraph.Attr.i("axis", -1));
        String mixed = g.node("MatMul", java.util.List.of(attn, qkvParts[2]));
        String perm = g.node("Transpose", mixed, OnnxGraph.Attr.ints("perm", 0, 2, 1, 3));
        String ctx = g.node("Reshape", java.util.List.of(perm, g.longs("shape", 0, 0, dim)));
        return OnnxWritable.linear(g, ctx, out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        qkv.initialize(manager, dataType, inputShapes);
        out.initialize(manager, dataType, inputShapes);
    }
}

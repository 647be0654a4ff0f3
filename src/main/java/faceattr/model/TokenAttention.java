package faceattr.model;

import faceattr.io.onnx.OnnxGraph;
import faceattr.engine.Autograd;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Attention over the regions of the face: the backbone's (N, C, g, g) map becomes g² tokens
 * (a linear projection C to d_model per position), learned positional embeddings are added, an
 * optional class token is prepended, L pre-norm encoder layers ({@link EncoderLayer}) let every
 * region attend to every other, a final LayerNorm, then pooling (the class token's state, or the
 * mean of the image tokens) gives (N, d_model).
 *
 * <p>Multi-head attention is written with NDArray ops rather than DJL's
 * {@code ai.djl.nn.transformer} blocks: those are BERT's post-norm layers with their own
 * embedding and masking conventions; ours needs pre-norm layers, a class token and 2-D positions,
 * and a fused Q/K/V layout that maps onto PyTorch's {@code nn.MultiheadAttention} weights.
 */
public final class TokenAttention extends AbstractBlock implements OnnxWritable {
    private final int dModel;
    private final int imageTokens;
    private final boolean cls;
    private final Linear projection;
    private final Parameter positions;
    private final Parameter classToken;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final LayerNorm norm;

    /**
     * @param config the model configuration (d_model, heads, layers, MLP ratio, pooling, dropout,
     *     and the input size, which fixes the token grid)
     */
    public TokenAttention(ModelConfig config) {
        super((byte) 1);
        dModel = config.dModel();
        imageTokens = config.imageTokens();
        cls = config.pooling() == ModelConfig.Pooling.CLS;
        projection = addChildBlock("projection", Linear.builder().setUnits(dModel).build());
        int tokens = imageTokens + (cls ? 1 : 0);
        // ViT's initialisation: N(0, 0.02) for positions and the class token
        positions = addParameter(Parameter.builder().setName("positions").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, tokens, dModel)).optInitializer(new NormalInitializer(0.02f)).build());
        classToken = cls ? addParameter(Parameter.builder().setName("classToken").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, 1, dModel)).optInitializer(new NormalInitializer(0.02f)).build()) : null;
        for (int i = 0; i < config.attentionLayers(); i++) {
            layers.add(addChildBlock("layer" + i, new EncoderLayer(dModel, config.heads(), config.mlpRatio(),
                    config.dropout())));
        }
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long t = s.get(2) * s.get(3);
        if (t != imageTokens) {
            throw new IllegalArgumentException("feature map " + s + " gives " + t + " tokens, but the positional "
                    + "embeddings were sized for " + imageTokens + "; build the network for this input size");
        }
        boolean free = !Autograd.isRecording();
        NDArray flat = x.reshape(n, s.get(1), t);
        NDArray tokens = flat.transpose(0, 2, 1); // (N, T, C), a view
        NDArray h = projection.forward(ps, new NDList(tokens), training).singletonOrThrow();
        NDArray pos = ps.getValue(positions, x.getDevice(), training);
        if (cls) {
            NDArray c = ps.getValue(classToken, x.getDevice(), training).broadcast(n, 1, dModel);
            // an op's result joins its first operand's manager, here the parameters': move it to the
            // batch's manager so it is freed with the batch
            c.attach(h.getManager());
            NDArray joined = NDArrays.concat(new NDList(c, h), 1);
            if (free) {
                new NDList(c, h).close();
            }
            h = joined;
        }
        NDArray z = free ? h.addi(pos) : h.add(pos);
        for (EncoderLayer layer : layers) {
            NDArray next = layer.forward(ps, new NDList(z), training).singletonOrThrow();
            if (free) {
                z.close();
            }
            z = next;
        }
        NDArray normed = norm.forward(ps, new NDList(z), training).singletonOrThrow();
        NDArray pooled = cls ? normed.get(":, 0, :") : normed.mean(new int[] {1});
        if (free) {
            // closing a handle frees storage only when no view shares it, so the pooled view stays
            new NDList(flat, tokens, z, normed).close();
        }
        return new NDList(pooled);
    }

    /**
     * Writes the attention on a (N, C, g, g) map with a dynamic N: tokens, projection, class token
     * ({@code Expand} to the batch), positions, encoder layers, final norm, pooling.
     */
    @Override
    public String toOnnx(OnnxGraph g, String x) {
        long c = OnnxWritable.shape(projection.getParameters().get("weight"))[1];
        String flat = g.node("Reshape", java.util.List.of(x, g.longs("shape", 0, c, imageTokens)));
        String tokens = g.node("Transpose", flat, OnnxGraph.Attr.ints("perm", 0, 2, 1));
        String h = OnnxWritable.linear(g, tokens, projection);
        if (cls) {
            String n = g.node("Slice", java.util.List.of(g.node("Shape", h), g.longs("start", 0), g.longs("end", 1)));
            String shape = g.node("Concat", java.util.List.of(n, g.longs("rest", 1, dModel)),
                    OnnxGraph.Attr.i("axis", 0));
            String token = g.floats("class_token", classToken.getArray().toFloatArray(), 1, 1, dModel);
            h = g.node("Concat", java.util.List.of(g.node("Expand", java.util.List.of(token, shape)), h),
                    OnnxGraph.Attr.i("axis", 1));
        }
        long t = imageTokens + (cls ? 1 : 0);
        String z = g.node("Add", java.util.List.of(h, g.floats("positions", positions.getArray().toFloatArray(), 1, t,
                dModel)));
        for (EncoderLayer layer : layers) {
            z = layer.toOnnx(g, z);
        }
        String normed = OnnxWritable.layerNorm(g, z, norm);
        return cls ? g.node("Gather", java.util.List.of(normed, g.longScalar("index", 0)), OnnxGraph.Attr.i("axis", 1))
                : g.node("ReduceMean", normed, OnnxGraph.Attr.ints("axes", 1), OnnxGraph.Attr.i("keepdims", 0));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dModel)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long n = in.get(0);
        Shape tokensIn = new Shape(n, imageTokens, in.get(1));
        projection.initialize(manager, dataType, tokensIn);
        Shape s = new Shape(n, imageTokens + (cls ? 1 : 0), dModel);
        for (EncoderLayer l : layers) {
            l.initialize(manager, dataType, s);
        }
        norm.initialize(manager, dataType, s);
    }
}

package faceattr.model;

import ai.djl.nn.Parameter;
import faceattr.io.onnx.OnnxGraph;

/** A block that writes itself into an ONNX graph, from its current weights. */
interface OnnxWritable {
    /**
     * Appends this block's computation in inference mode.
     *
     * @param g the graph
     * @param x the name of the block's input
     * @return the name of its output
     */
    String toOnnx(OnnxGraph g, String x);

    /** @return a parameter's values, row-major */
    static float[] values(Parameter p) {
        return p.getArray().toFloatArray();
    }

    /** A DJL {@code Linear} on the last axis of any rank ({@code MatMul} + {@code Add}). */
    static String linear(OnnxGraph g, String x, ai.djl.nn.core.Linear l) {
        long[] s = shape(l.getParameters().get("weight"));
        return g.linear(x, values(l.getParameters().get("weight")), (int) s[0], values(l.getParameters().get("bias")));
    }

    /** A DJL {@code LayerNorm} over the last axis (its epsilon, 1e-5, is DJL's default). */
    static String layerNorm(OnnxGraph g, String x, ai.djl.nn.norm.LayerNorm n) {
        return g.layerNorm(x, values(n.getParameters().get("gamma")), values(n.getParameters().get("beta")), 1e-5f);
    }

    /** @return a parameter's shape */
    static long[] shape(Parameter p) {
        return p.getArray().getShape().getShape();
    }
}

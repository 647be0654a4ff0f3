package faceattr.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PReLU with one slope per channel (axis 1), as in MTCNN: {@code max(x, 0) + alpha * min(x, 0)},
 * computed at inference as {@code max(x, alpha * x)} when every slope is at most 1 (equal then),
 * else as {@code x + (alpha - 1) * min(x, 0)}.
 * Works on (N, C) and (N, C, H, W) inputs.
 */
final class ChannelPrelu extends AbstractBlock {
    private final int channels;
    private final Parameter alpha;

    ChannelPrelu(int channels) {
        super((byte) 1);
        this.channels = channels;
        alpha = addParameter(Parameter.builder().setName("alpha").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        NDArray a = ps.getValue(alpha, x.getDevice(), training);
        Shape s = x.getShape();
        long[] bshape = new long[s.dimension()];
        java.util.Arrays.fill(bshape, 1);
        bshape[1] = channels;
        NDArray slope = a.reshape(new Shape(bshape));
        // An op's result joins its first operand's manager, here the parameters', which lives as
        // long as the network: move the view (and what is computed from it) to the batch's.
        slope.attach(x.getManager());
        if (!training) {
            if (allAtMostOne(a)) {
                // For alpha <= 1, prelu(x) = max(x, alpha * x): two passes over memory instead of four.
                return new NDList(x.maximum(x.mul(slope)));
            }
            // Any alpha: x + (alpha - 1) * min(x, 0), three passes and one new array.
            NDArray out = x.minimum(0f);
            out.muli(slope.sub(1f));
            return new NDList(out.addi(x));
        }
        // relu(x) + alpha * (x - relu(x)): no NDArray-with-number op, because under autograd
        // those corrupt gradients in DJL 0.36 (see faceattr.engine.Scalars).
        NDArray pos = Activation.relu(x);
        return new NDList(pos.add(x.sub(pos).mul(slope)));
    }

    private static boolean allAtMostOne(NDArray a) {
        for (float v : a.toFloatArray()) {
            if (!(v <= 1f)) {
                return false;
            }
        }
        return true;
    }

    /** @return the slopes, one per channel */
    float[] slopes() {
        return alpha.getArray().toFloatArray();
    }

    /**
     * Writes {@code PRelu} with the slopes shaped for NCHW maps ({@code spatial}) or (N, C) rows.
     *
     * @return the output's name
     */
    String toOnnx(faceattr.io.onnx.OnnxGraph g, String x, boolean spatial) {
        float[] a = alpha.getArray().toFloatArray();
        String slope = spatial ? g.floats("slope", a, channels, 1, 1) : g.floats("slope", a, channels);
        return g.node("PRelu", java.util.List.of(x, slope));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        // No children.
    }
}

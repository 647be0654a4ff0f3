package faceattr.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Square max pooling with TensorFlow's padding rules. TF "SAME" pads asymmetrically (the extra
 * row/column goes at the end), which PyTorch's symmetric padding cannot express, so the input is
 * padded explicitly with -inf (never chosen by the max) before a VALID pool.
 */
final class SamePool extends AbstractBlock {
    private final int kernel;
    private final int stride;
    private final boolean same;

    SamePool(int kernel, int stride, boolean same) {
        super((byte) 1);
        this.kernel = kernel;
        this.stride = stride;
        this.same = same;
    }

    /** @return TF's (before, after) padding of one axis of length n */
    static int[] samePadding(long n, int k, int s) {
        long out = (n + s - 1) / s;
        int total = (int) Math.max((out - 1) * s + k - n, 0);
        return new int[] {total / 2, total - total / 2};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        if (same) {
            Shape s = x.getShape();
            int[] ph = samePadding(s.get(2), kernel, stride);
            int[] pw = samePadding(s.get(3), kernel, stride);
            if (ph[0] + ph[1] + pw[0] + pw[1] > 0) {
                x = x.pad(new Shape(pw[0], pw[1], ph[0], ph[1]), Float.NEGATIVE_INFINITY);
            }
        }
        return new NDList(Pool.maxPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(0, 0),
                false));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        Shape s = in[0];
        long h = out(s.get(2));
        long w = out(s.get(3));
        return new Shape[] {new Shape(s.get(0), s.get(1), h, w)};
    }

    private long out(long n) {
        return same ? (n + stride - 1) / stride : (n - kernel) / stride + 1;
    }
}

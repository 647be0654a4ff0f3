package faceattr.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import faceattr.engine.MaxPool;

/**
 * Square max pooling with TensorFlow's padding rules, as a block ({@link MaxPool}: torch's pool
 * in training, the faster strided form at inference).
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

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(training ? MaxPool.forTraining(x, kernel, stride, same)
                : MaxPool.strided(x, kernel, stride, same));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        Shape s = in[0];
        long h = out(s.get(2));
        long w = out(s.get(3));
        return new Shape[] {new Shape(s.get(0), s.get(1), h, w)};
    }

    private long out(long n) {
        return MaxPool.outputLength(n, kernel, stride, same);
    }
}

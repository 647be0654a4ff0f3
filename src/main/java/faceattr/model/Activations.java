package faceattr.model;

import faceattr.engine.Autograd;
import faceattr.engine.Scalars;
import ai.djl.ndarray.NDArray;

/**
 * MobileNetV3's piecewise-linear activations, written so that their gradients are finite
 * everywhere and so that inference runs with as few passes over memory as possible.
 *
 * <p>Both are built from {@code clip}, whose gradient is 1 inside the interval and 0 outside: no
 * division by the input, no exponential, no {@code sign}. While autograd records
 * ({@link Autograd#isRecording()}) only out-of-place operations are used, so nothing autograd
 * saved is overwritten, and the factor 1/6 is a PyTorch-owned scalar ({@link Scalars}), never
 * {@code mul(Number)}, whose operand autograd would read after it was freed. Without a graph the
 * final multiply is done in place on a temporary.
 */
final class Activations {
    private static final float SIXTH = 1f / 6f;

    private Activations() {
    }

    /**
     * {@code hardswish(x) = x * relu6(x + 3) / 6 = x * clip(x / 6 + 1/2, 0, 1)}.
     *
     * @param x any array; not modified
     * @return a new array
     */
    static NDArray hardswish(NDArray x) {
        if (Autograd.isRecording()) {
            return x.mul(hardsigmoidGraph(x));
        }
        NDArray gate = hardsigmoidFast(x);
        return gate.muli(x);
    }

    /**
     * {@code hardsigmoid(x) = relu6(x + 3) / 6 = clip(x / 6 + 1/2, 0, 1)}, PyTorch's definition
     * (not Keras' {@code 0.2 x + 0.5}).
     *
     * @param x any array; not modified
     * @return a new array
     */
    static NDArray hardsigmoid(NDArray x) {
        return Autograd.isRecording() ? hardsigmoidGraph(x) : hardsigmoidFast(x);
    }

    private static NDArray hardsigmoidGraph(NDArray x) {
        // Not x.mul(SIXTH): DJL's mul(Number) leaves autograd a dangling scalar (see Scalars). That
        // was the cause of the NaN gradients seen when training MobileNetV3 with hardswish.
        return Scalars.mul(x, SIXTH).add(0.5f).clip(0f, 1f);
    }

    private static NDArray hardsigmoidFast(NDArray x) {
        NDArray t = x.mul(SIXTH);
        t.addi(0.5f);
        NDArray gate = t.clip(0f, 1f);
        t.close();
        return gate;
    }
}

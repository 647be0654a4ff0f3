package faceattr.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands that are safe under autograd.
 *
 * <p><b>Why.</b> In DJL 0.36's PyTorch engine, {@code x.mul(2f)} (and every other
 * {@code op(Number)}) wraps the number in a 0-d tensor created by {@code torch::from_blob} over a
 * Java direct {@code ByteBuffer}, runs the op and closes that tensor at once. Autograd keeps the
 * operand for the backward pass of {@code mul}, {@code div}, {@code pow}, {@code maximum},
 * {@code minimum} and others, but the buffer it points to is no longer referenced from Java: after
 * the next garbage collection its memory is freed and reused, and the backward pass multiplies by
 * whatever lies there. The gradients then turn huge or NaN a few steps into training, at random.
 * ({@code add}/{@code sub} by a number save no operand and are safe, {@code clip(Number, Number)}
 * passes PyTorch scalars and is safe.)
 *
 * <p>A 0-d tensor made by {@code NDManager.full} is allocated by PyTorch and reference counted,
 * so autograd's reference keeps it valid after our handle is closed.
 */
public final class Scalars {
    private Scalars() {
    }

    /**
     * @param like an array giving the manager, device and data type
     * @param value the scalar
     * @return a 0-d array owned by PyTorch; close it after use
     */
    public static NDArray of(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }

    /**
     * {@code x * s}, safe to differentiate.
     *
     * @param x an array
     * @param s the factor
     * @return a new array
     */
    public static NDArray mul(NDArray x, float s) {
        if (!Autograd.isRecording()) {
            return x.mul(s); // no graph: nothing keeps the operand
        }
        try (NDArray c = of(x, s)) {
            return x.mul(c);
        }
    }
}

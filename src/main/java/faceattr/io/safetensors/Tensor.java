package faceattr.io.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One immutable tensor of a safetensors file: its dtype as stored, its shape, and its values,
 * held as float32 for floating-point dtypes and as 64-bit integers for the others. Accessors
 * return copies.
 */
public final class Tensor {
    private final Dtype dtype;
    private final long[] shape;
    private final float[] floats;
    private final long[] longs;

    private Tensor(Dtype dtype, long[] shape, float[] floats, long[] longs) {
        this.dtype = dtype;
        this.shape = shape;
        this.floats = floats;
        this.longs = longs;
    }

    /**
     * Creates a float32 tensor.
     *
     * @param shape the dimensions, each at least 0; empty for a scalar
     * @param data the values in row-major order, {@code product(shape)} of them (copied)
     * @return the tensor
     * @throws IllegalArgumentException when the data does not fit the shape
     */
    public static Tensor f32(long[] shape, float[] data) {
        Objects.requireNonNull(data, "data");
        return new Tensor(Dtype.F32, checkShape(shape, data.length), data.clone(), null);
    }

    /**
     * Creates a 64-bit integer tensor (e.g. PyTorch's BatchNorm {@code num_batches_tracked}).
     *
     * @param shape the dimensions, each at least 0; empty for a scalar
     * @param data the values in row-major order, {@code product(shape)} of them (copied)
     * @return the tensor
     * @throws IllegalArgumentException when the data does not fit the shape
     */
    public static Tensor i64(long[] shape, long[] data) {
        Objects.requireNonNull(data, "data");
        return new Tensor(Dtype.I64, checkShape(shape, data.length), null, data.clone());
    }

    /** For the reader: takes ownership of already validated, decoded arrays. */
    static Tensor decoded(Dtype dtype, long[] shape, float[] floats, long[] longs) {
        return new Tensor(dtype, shape, floats, longs);
    }

    private static long[] checkShape(long[] shape, int length) {
        Objects.requireNonNull(shape, "shape");
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = multiplyOrMax(n, d);
        }
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                    + length);
        }
        return shape.clone();
    }

    private static long multiplyOrMax(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** @return the dtype the values were stored in (F32 or I64 for tensors built here) */
    public Dtype dtype() {
        return dtype;
    }

    /** @return true when the values are floating point (read with {@link #toFloatArray()}) */
    public boolean isFloatingPoint() {
        return floats != null;
    }

    /** @return a copy of the dimensions; empty for a scalar */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of elements, the product of the dimensions */
    public int elementCount() {
        return floats != null ? floats.length : longs.length;
    }

    /**
     * @return a copy of the values as float32, row-major
     * @throws IllegalStateException for an integer tensor, whose values a float could not hold exactly
     */
    public float[] toFloatArray() {
        if (floats == null) {
            throw new IllegalStateException("a " + dtype + " tensor holds integers; use toLongArray()");
        }
        return floats.clone();
    }

    /**
     * @return a copy of the values as 64-bit integers, row-major
     * @throws IllegalStateException for a floating-point tensor
     */
    public long[] toLongArray() {
        if (longs == null) {
            throw new IllegalStateException("a " + dtype + " tensor holds floats; use toFloatArray()");
        }
        return longs.clone();
    }

    /** Shared with the writer, which only reads it. */
    float[] floatsUnsafe() {
        return floats;
    }

    /** Shared with the writer, which only reads it. */
    long[] longsUnsafe() {
        return longs;
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}

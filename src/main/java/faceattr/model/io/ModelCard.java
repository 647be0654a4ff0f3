package faceattr.model.io;

import faceattr.core.FaceAttrException;
import faceattr.io.Json;
import faceattr.labels.LabelSpace;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

    // The values live once, in the fields of a private copy of the builder that made the card: the
    // builder already validates and normalises them, and a copy is all toBuilder needs. The copy is
    // never changed or handed out; arrays are cloned on the way out and the maps are unmodifiable.
    private final Builder v;
    private final Map<String, List<String>> labelSpaces;

    private ModelCard(Builder b) {
        v = b.copy();
        labelSpaces = Collections.unmodifiableMap(v.labelSpaces);
    }

    /** @return a builder; {@code setName} and {@code setInput} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this card's values, to derive a changed card (e.g. with metrics) */
    public Builder toBuilder() {
        return v.copy();
    }

    /** @return the card with the parameters file's hash and size, as {@link ModelFolder#write} records them */
    ModelCard withParameters(String sha256, long bytes) {
        Builder b = v.copy();
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
        return v.name;
    }

    /** @return when the model was created */
    public Instant created() {
        return v.created;
    }

    /** @return the software and version that produced the model */
    public String software() {
        return v.software;
    }

    /** @return the architecture configuration (unmodifiable, for the network's configuration to read) */
    public Map<String, Object> architecture() {
        return v.architecture;
    }

    /** @return the input width in pixels */
    public int inputWidth() {
        return v.inputWidth;
    }

    /** @return the input height in pixels */
    public int inputHeight() {
        return v.inputHeight;
    }

    /** @return the divisor that maps 8-bit pixel values to the scale of {@link #mean()} and {@link #std()} */
    public double pixelScale() {
        return v.pixelScale;
    }

    /** @return a copy of the per-channel means (R, G, B) subtracted after scaling */
    public float[] mean() {
        return v.mean.clone();
    }

    /** @return a copy of the per-channel standard deviations (R, G, B) divided by after subtracting the mean */
    public float[] std() {
        return v.std.clone();
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
        return v.trainingData;
    }

    /** @return the free-form metrics (unmodifiable) */
    public Map<String, Object> metrics() {
        return v.metrics;
    }

    /** @return the lower-case hex SHA-256 of {@code parameters.safetensors}, or null before the model is written */
    public String parametersSha256() {
        return v.parametersSha256;
    }

    /** @return the size of {@code parameters.safetensors} in bytes, or -1 before the model is written */
    public long parametersBytes() {
        return v.parametersBytes;
    }

    /** @return the card as pretty-printed JSON, the content of {@code model.json} */
    public String toJson() {
        return ModelCardJson.write(this);
    }

    /**
     * Parses a card.
     *
     * @param json the content of {@code model.json}
     * @param file the file it came from, named in errors
     * @return the card
     * @throws FaceAttrException when it is not valid JSON, has an unsupported {@code format_version}
     *     or lacks a field; the message names the file, the field and what to do
     */
    public static ModelCard fromJson(String json, Path file) throws FaceAttrException {
        return ModelCardJson.read(json, file);
    }

    @Override
    public boolean equals(Object x) {
        if (!(x instanceof ModelCard card)) {
            return false;
        }
        Builder c = card.v;
        return v.name.equals(c.name) && v.created.equals(c.created) && v.software.equals(c.software)
                && v.architecture.equals(c.architecture) && v.inputWidth == c.inputWidth
                && v.inputHeight == c.inputHeight && v.pixelScale == c.pixelScale && Arrays.equals(v.mean, c.mean)
                && Arrays.equals(v.std, c.std) && v.labelSpaces.equals(c.labelSpaces)
                && v.trainingData.equals(c.trainingData) && v.metrics.equals(c.metrics)
                && Objects.equals(v.parametersSha256, c.parametersSha256) && v.parametersBytes == c.parametersBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(v.name, v.created, v.architecture, v.labelSpaces, v.parametersSha256);
    }

    @Override
    public String toString() {
        return "ModelCard[" + v.name + ", " + v.created + ", tasks " + v.labelSpaces.keySet() + "]";
    }

    /** Collects the card's values: {@code set*} are required, {@code opt*} have defaults. */
    public static final class Builder implements Cloneable {
        private String name;
        private Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        private String software = softwareVersion();
        private Map<String, Object> architecture = Map.of();
        private int inputWidth;
        private int inputHeight;
        private double pixelScale = 255;
        private float[] mean;
        private float[] std;
        private Map<String, List<String>> labelSpaces = new LinkedHashMap<>();
        private Map<String, Object> trainingData = Map.of();
        private Map<String, Object> metrics = Map.of();
        private String parametersSha256;
        private long parametersBytes = -1;

        private Builder() {
        }

        // Shallow is enough: the other fields are immutable values or are replaced, never changed in place.
        private Builder copy() {
            try {
                Builder b = (Builder) super.clone();
                b.labelSpaces = new LinkedHashMap<>(labelSpaces);
                return b;
            } catch (CloneNotSupportedException e) {
                throw new AssertionError("Builder is Cloneable", e);
            }
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
         * @throws IllegalArgumentException when the map holds something strict JSON cannot (null, NaN, other types)
         */
        public Builder optArchitecture(Map<String, ?> architecture) {
            this.architecture = Json.normalise(Objects.requireNonNull(architecture, "architecture"), "architecture");
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
         * @throws IllegalArgumentException when the map holds something strict JSON cannot
         */
        public Builder optTrainingData(Map<String, ?> summary) {
            this.trainingData = Json.normalise(Objects.requireNonNull(summary, "summary"), "training_data");
            return this;
        }

        /**
         * @param metrics free-form evaluation results
         * @return this builder
         * @throws IllegalArgumentException when the map holds something strict JSON cannot
         */
        public Builder optMetrics(Map<String, ?> metrics) {
            this.metrics = Json.normalise(Objects.requireNonNull(metrics, "metrics"), "metrics");
            return this;
        }

        /**
         * @return the card
         * @throws IllegalStateException when a required value is missing
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

package faceattr.model.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import faceattr.core.FaceAttrException;
import faceattr.io.Json;
import faceattr.io.JsonFields;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON form of a {@link ModelCard} ({@code model.json}, format version
 * {@value ModelCard#FORMAT_VERSION}); see {@code docs/model.md}. Written pretty-printed with the
 * keys in a fixed order, so that a card's text is stable; read strictly, every failure naming the
 * file and the field.
 */
final class ModelCardJson {
    private ModelCardJson() {
    }

    /** @return the card as the text of {@code model.json}, ending with a newline */
    static String write(ModelCard c) {
        JsonObject o = new JsonObject();
        o.addProperty("format_version", ModelCard.FORMAT_VERSION);
        o.addProperty("name", c.name());
        o.addProperty("created", c.created().toString());
        o.addProperty("software", c.software());
        o.add("architecture", Json.toTree(c.architecture()));
        JsonObject in = new JsonObject();
        in.addProperty("width", c.inputWidth());
        in.addProperty("height", c.inputHeight());
        in.addProperty("color", "RGB");
        in.addProperty("pixel_scale", c.pixelScale());
        in.add("mean", floats(c.mean()));
        in.add("std", floats(c.std()));
        o.add("input", in);
        o.add("label_spaces", Json.toTree(c.labelSpaces()));
        o.add("training_data", Json.toTree(c.trainingData()));
        o.add("metrics", Json.toTree(c.metrics()));
        if (c.parametersSha256() != null) {
            JsonObject p = new JsonObject();
            p.addProperty("file", ModelFolder.PARAMETERS_FILE);
            p.addProperty("sha256", c.parametersSha256());
            p.addProperty("bytes", c.parametersBytes());
            o.add("parameters", p);
        }
        return Json.write(o) + "\n";
    }

    private static JsonArray floats(float[] v) {
        JsonArray a = new JsonArray();
        for (float f : v) {
            // Gson writes a Float as Float.toString, the shortest decimal that parses back to it exactly
            a.add(new JsonPrimitive(f));
        }
        return a;
    }

    /** See {@link ModelCard#fromJson}. */
    static ModelCard read(String json, Path file) throws FaceAttrException {
        JsonElement root;
        try {
            root = Json.parse(json);
        } catch (JsonParseException e) {
            throw new FaceAttrException(file, "the model card is not valid JSON (" + e.getMessage()
                    + "); the file is damaged: reinstall or re-export the model", e);
        }
        if (!root.isJsonObject()) {
            throw new FaceAttrException(file, "the model card is not valid JSON (not a JSON object); the file is "
                    + "damaged: reinstall or re-export the model", null);
        }
        JsonFields o = JsonFields.of(root, "");
        int v = version(o, file);
        if (v > ModelCard.FORMAT_VERSION) {
            throw new FaceAttrException(file, "the model was written by a newer version of Face Attributes "
                    + "(format_version " + v + "; this version reads up to " + ModelCard.FORMAT_VERSION
                    + "); update the plugin to use it", null);
        }
        if (v < 1) {
            throw new FaceAttrException(file, "unsupported format_version " + v + "; re-export the model", null);
        }
        try {
            return readV1(o);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new FaceAttrException(file, "the model card is incomplete or invalid: " + e.getMessage()
                    + "; reinstall or re-export the model", e);
        }
    }

    private static int version(JsonFields o, Path file) throws FaceAttrException {
        try {
            return o.integer("format_version");
        } catch (IllegalArgumentException e) {
            throw new FaceAttrException(file, "has no valid format_version, so it is not a Face Attributes model "
                    + "card; give the folder of a model trained or exported by Face Attributes", null);
        }
    }

    private static ModelCard readV1(JsonFields o) {
        ModelCard.Builder b = ModelCard.builder();
        b.setName(o.string("name"));
        try {
            b.optCreated(Instant.parse(o.string("created")));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the field 'created' is not an ISO-8601 time (" + e.getMessage() + ")");
        }
        b.optSoftware(o.string("software"));
        b.optArchitecture(o.values("architecture"));
        JsonFields in = o.object("input");
        b.setInput(in.integer("width"), in.integer("height"), in.floats("mean"), in.floats("std"));
        if (in.has("pixel_scale")) {
            b.optPixelScale(in.number("pixel_scale"));
        }
        JsonFields spaces = o.object("label_spaces");
        for (String task : spaces.keys()) {
            b.optLabelSpace(task, spaces.strings(task));
        }
        if (o.has("training_data")) {
            b.optTrainingData(o.values("training_data"));
        }
        if (o.has("metrics")) {
            b.optMetrics(o.values("metrics"));
        }
        JsonFields p = o.object("parameters");
        String sha = p.string("sha256");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("parameters.sha256 is not a lower-case hex SHA-256");
        }
        if (p.has("file") && !ModelFolder.PARAMETERS_FILE.equals(p.string("file"))) {
            throw new IllegalArgumentException("parameters.file must be " + ModelFolder.PARAMETERS_FILE);
        }
        return b.build().withParameters(sha, p.has("bytes") ? p.longInteger("bytes") : -1);
    }
}

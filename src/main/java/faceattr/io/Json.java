package faceattr.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's one way of handling JSON: Gson, configured here once. Every file format is a
 * small codec that builds or reads a Gson tree ({@link JsonObject}): the model card, the
 * architecture, the checkpoint state, the review file, the evaluation report and the TensorFlow.js
 * manifest. This class turns trees into text and back and converts free-form values between
 * trees and plain Java values; {@link JsonFields} reads typed fields and names the field in its
 * errors. The safetensors header is read from {@link #strictReader} instead, because that format
 * forbids duplicate keys and a tree cannot show them.
 *
 * <p>Reading is strict (RFC 8259) except for {@link #parseLenient}: the checkpoint state and the
 * review file hold NaN and Infinity (no validation loss yet, an unknown confidence), which strict
 * JSON forbids and Gson reads only leniently. Numbers are never coerced: {@link JsonFields}
 * refuses a fraction where an integer belongs, and free-form values read back integral numbers as
 * {@code Long} and the others as {@code Double}.
 */
public final class Json {
    // Pretty printed because people read these files; no HTML escaping, which writes '=' and '<' as escapes.
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();

    private Json() {
    }

    /**
     * @param tree a JSON tree; NaN and infinite numbers are written as the bare words Gson reads back leniently
     * @return the tree as pretty-printed text (two-space indent, no trailing newline)
     */
    public static String write(JsonElement tree) {
        return PRETTY.toJson(tree);
    }

    /**
     * @param tree a JSON tree
     * @return the tree as text on one line without spaces, for headers whose bytes are specified
     */
    public static String writeCompact(JsonElement tree) {
        return COMPACT.toJson(tree);
    }

    /**
     * Parses strict JSON: one value, nothing after it.
     *
     * @param text the JSON text
     * @return its tree
     * @throws JsonParseException when the text is empty or not strict JSON; the message gives the position
     */
    public static JsonElement parse(String text) {
        return parse(text, Strictness.STRICT);
    }

    /**
     * Parses JSON that may hold NaN and Infinity, as the files this project writes with non-finite
     * numbers do. Gson's lenient mode is the only one that reads them, and it also accepts other
     * liberties (unquoted names, comments); use it only for files of our own.
     *
     * @param text the JSON text
     * @return its tree; non-finite numbers appear as string primitives (see
     *     {@link JsonFields#numberOrNonFinite})
     * @throws JsonParseException when the text is empty or not JSON even leniently
     */
    public static JsonElement parseLenient(String text) {
        return parse(text, Strictness.LENIENT);
    }

    private static JsonElement parse(String text, Strictness strictness) {
        if (text.isBlank()) {
            // Gson gives JSON null for an empty strict document but fails on an empty lenient one; both are damage.
            throw new JsonParseException("the document is empty");
        }
        try {
            JsonReader r = reader(text, strictness);
            JsonElement e = JsonParser.parseReader(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("data after the JSON value at " + r.getPath());
            }
            return e;
        } catch (IOException | RuntimeException e) {
            // Gson reports malformed JSON as IOException, a wrong token as IllegalStateException and a
            // bad number as NumberFormatException; all are the document's fault.
            throw new JsonParseException(problem(e), e);
        }
    }

    /**
     * @param text JSON text
     * @return a streaming reader of it in strict mode, for formats that must see every key
     */
    public static JsonReader strictReader(String text) {
        return reader(text, Strictness.STRICT);
    }

    private static JsonReader reader(String text, Strictness strictness) {
        JsonReader r = new JsonReader(new StringReader(text));
        r.setStrictness(strictness);
        return r;
    }

    /**
     * @return the message of a Gson parser failure for a user: without the exception class, the link
     *     to Gson's troubleshooting page and the advice to parse leniently, which is no advice for a user
     */
    private static String problem(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int cut = m.indexOf("\nSee ");
        m = cut > 0 ? m.substring(0, cut) : m;
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    }

    /**
     * Converts plain values to a JSON tree: strings, booleans, numbers (NaN and infinities
     * included), maps with string keys, iterables and arrays, nested.
     *
     * @param value the value
     * @return its tree
     * @throws IllegalArgumentException for null and for any other type, naming where in the value it is
     */
    public static JsonElement toTree(Object value) {
        return toTree(value, "value");
    }

    private static JsonElement toTree(Object v, String where) {
        if (v instanceof String s) {
            return new JsonPrimitive(s);
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (v instanceof Number n) {
            return new JsonPrimitive(n);
        }
        if (v instanceof Map<?, ?> m) {
            JsonObject o = new JsonObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException(where + " has a non-string key " + e.getKey());
                }
                o.add(k, toTree(e.getValue(), where + "." + k));
            }
            return o;
        }
        JsonArray a = new JsonArray();
        if (v instanceof Iterable<?> it) {
            for (Object x : it) {
                a.add(toTree(x, where + "[" + a.size() + "]"));
            }
            return a;
        }
        if (v != null && v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                a.add(toTree(Array.get(v, i), where + "[" + i + "]"));
            }
            return a;
        }
        throw new IllegalArgumentException(where + ": " + (v == null ? "null" : v.getClass().getSimpleName())
                + " cannot be stored in JSON here (use strings, numbers, booleans, lists and maps)");
    }

    /**
     * Converts a tree of strict JSON to plain, unmodifiable values: {@code String},
     * {@code Boolean}, {@code Long} (integral numbers that fit), {@code Double} (other numbers),
     * {@code List} and {@code Map<String, Object>} in the document's key order.
     *
     * @param tree the tree
     * @param where what the tree is, named in errors (e.g. {@code metrics})
     * @return the value
     * @throws IllegalArgumentException for JSON null and for non-finite numbers, naming where they are
     */
    public static Object fromTree(JsonElement tree, String where) {
        if (tree.isJsonObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> x : tree.getAsJsonObject().entrySet()) {
                out.put(x.getKey(), fromTree(x.getValue(), where + "." + x.getKey()));
            }
            return Collections.unmodifiableMap(out);
        }
        if (tree.isJsonArray()) {
            List<Object> out = new ArrayList<>();
            for (JsonElement x : tree.getAsJsonArray()) {
                out.add(fromTree(x, where + "[" + out.size() + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (tree.isJsonPrimitive()) {
            JsonPrimitive p = tree.getAsJsonPrimitive();
            if (p.isBoolean()) {
                return p.getAsBoolean();
            }
            if (p.isString()) {
                return p.getAsString();
            }
            // From the text, so that a Float in memory becomes the Double its JSON text reads back as.
            String text = p.getAsString();
            if (text.matches("-?\\d+")) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException tooLong) {
                    // falls through to a double
                }
            }
            double d = Double.parseDouble(text);
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(where + " is " + d + "; strict JSON holds only finite numbers");
            }
            return d;
        }
        throw new IllegalArgumentException(where + " is null");
    }

    /**
     * Deep-copies a map into the form {@link #fromTree} reads back, so that a value read from JSON
     * equals the value written: integers become {@code Long}, a {@code Float} the {@code Double}
     * of its decimal text, arrays lists; everything unmodifiable.
     *
     * @param map the map
     * @param where what it is, named in errors
     * @return the normalised copy
     * @throws IllegalArgumentException for values strict JSON cannot hold (null, NaN, other types)
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> normalise(Map<String, ?> map, String where) {
        return (Map<String, Object>) fromTree(toTree(map, where), where);
    }
}

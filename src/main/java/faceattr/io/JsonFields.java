package faceattr.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of one JSON object's fields for the codecs of {@link Json}. Every failure is an
 * {@link IllegalArgumentException} that names the field with its path, e.g.
 * {@code input: the field 'width' must be an integer}; the codec adds the file. Numbers are read
 * strictly: an integer field refuses {@code 2.5}, {@code "2"} and values out of range instead of
 * rounding or converting them.
 */
public final class JsonFields {
    private final JsonObject object;
    private final String where;

    private JsonFields(JsonObject object, String where) {
        this.object = object;
        this.where = where;
    }

    /**
     * @param element a JSON value that must be an object
     * @param where its path in the document for messages, e.g. {@code input}; empty for the document itself
     * @return its fields
     * @throws IllegalArgumentException when it is not an object
     */
    public static JsonFields of(JsonElement element, String where) {
        if (element == null || !element.isJsonObject()) {
            throw new IllegalArgumentException((where.isEmpty() ? "the document" : "'" + where + "'")
                    + " must be a JSON object");
        }
        return new JsonFields(element.getAsJsonObject(), where);
    }

    /** @return the keys, in document order */
    public Set<String> keys() {
        return object.keySet();
    }

    /**
     * @param key a key
     * @return whether the field is present and not JSON null
     */
    public boolean has(String key) {
        JsonElement e = object.get(key);
        return e != null && !e.isJsonNull();
    }

    /**
     * @param key a key
     * @return the field's value
     * @throws IllegalArgumentException when it is missing or JSON null
     */
    public JsonElement get(String key) {
        if (!has(key)) {
            throw wrong(key, "is missing");
        }
        return object.get(key);
    }

    /**
     * @param key a key
     * @return the field's string
     * @throws IllegalArgumentException when it is missing or not a string
     */
    public String string(String key) {
        JsonElement e = get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrong(key, "must be a string");
        }
        return e.getAsString();
    }

    /**
     * @param key a key
     * @return the field's boolean
     * @throws IllegalArgumentException when it is missing or not true or false
     */
    public boolean bool(String key) {
        JsonElement e = get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw wrong(key, "must be true or false");
        }
        return e.getAsBoolean();
    }

    /**
     * @param key a key
     * @return the field's number
     * @throws IllegalArgumentException when it is missing or not a JSON number
     */
    public double number(String key) {
        return decimal(key).doubleValue();
    }

    /**
     * Reads a number of a file this project wrote with {@link Json#parseLenient}: also NaN and
     * the infinities, which Gson's lenient reader gives as the strings {@code NaN},
     * {@code Infinity} and {@code -Infinity}.
     *
     * @param key a key
     * @return the field's number
     * @throws IllegalArgumentException when it is missing or neither a number nor one of those words
     */
    public double numberOrNonFinite(String key) {
        JsonElement e = get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return switch (e.getAsString()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw wrong(key, "must be a number");
            };
        }
        return number(key);
    }

    /**
     * @param key a key
     * @return the field's integer
     * @throws IllegalArgumentException when it is missing, not a number, has a fraction or is out of int range
     */
    public int integer(String key) {
        try {
            return decimal(key).intValueExact();
        } catch (ArithmeticException e) {
            throw wrong(key, "must be an integer");
        }
    }

    /**
     * @param key a key
     * @return the field's integer
     * @throws IllegalArgumentException when it is missing, not a number, has a fraction or is out of long range
     */
    public long longInteger(String key) {
        try {
            return decimal(key).longValueExact();
        } catch (ArithmeticException e) {
            throw wrong(key, "must be an integer");
        }
    }

    private BigDecimal decimal(String key) {
        return decimal(get(key), key, "must be a number");
    }

    private BigDecimal decimal(JsonElement e, String key, String what) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                return new BigDecimal(e.getAsString());
            } catch (NumberFormatException notDecimal) {
                // a lenient document's odd number; refused below like any other non-number
            }
        }
        throw wrong(key, what);
    }

    /**
     * @param key a key
     * @return the fields of the field's object, with the path extended by the key
     * @throws IllegalArgumentException when it is missing or not an object
     */
    public JsonFields object(String key) {
        JsonElement e = get(key);
        if (!e.isJsonObject()) {
            throw wrong(key, "must be a JSON object");
        }
        return new JsonFields(e.getAsJsonObject(), path(key));
    }

    /**
     * @param key a key
     * @return the field's array
     * @throws IllegalArgumentException when it is missing or not an array
     */
    public JsonArray array(String key) {
        JsonElement e = get(key);
        if (!e.isJsonArray()) {
            throw wrong(key, "must be a JSON array");
        }
        return e.getAsJsonArray();
    }

    /**
     * @param key a key
     * @return the field's array of numbers, each parsed from its text straight to the nearest float
     * @throws IllegalArgumentException when it is missing or not an array of numbers
     */
    public float[] floats(String key) {
        JsonArray a = array(key);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = a.get(i);
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
                throw wrong(key, "must hold numbers");
            }
            out[i] = Float.parseFloat(x.getAsString());
        }
        return out;
    }

    /**
     * @param key a key
     * @return the field's array of integers
     * @throws IllegalArgumentException when it is missing or not an array of integers in int range
     */
    public int[] ints(String key) {
        JsonArray a = array(key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = decimal(a.get(i), key, "must hold integers").intValueExact();
            } catch (ArithmeticException e) {
                throw wrong(key, "must hold integers");
            }
        }
        return out;
    }

    /**
     * @param key a key
     * @return the field's array of strings
     * @throws IllegalArgumentException when it is missing or not an array of strings
     */
    public List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (JsonElement x : array(key)) {
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
                throw wrong(key, "must hold strings");
            }
            out.add(x.getAsString());
        }
        return out;
    }

    /**
     * @param key a key
     * @return the field's object as plain values ({@link Json#fromTree})
     * @throws IllegalArgumentException when it is missing, not an object, or holds null
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> values(String key) {
        object(key);
        return (Map<String, Object>) Json.fromTree(object.get(key), path(key));
    }

    /**
     * @param key a key of this object
     * @return its path in the document, for messages and nested reads, e.g. {@code input.mean}
     */
    public String path(String key) {
        return where.isEmpty() ? key : where + "." + key;
    }

    private IllegalArgumentException wrong(String key, String what) {
        return new IllegalArgumentException((where.isEmpty() ? "" : where + ": ") + "the field '" + key + "' " + what);
    }
}

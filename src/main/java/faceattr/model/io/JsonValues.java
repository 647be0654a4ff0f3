package faceattr.model.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Free-form JSON values of a model card (architecture, training data, metrics) held as plain
 * immutable Java values: {@code String}, {@code Boolean}, {@code Long} (integral numbers),
 * {@code Double} (other numbers), {@code List} and {@code Map<String, ?>}. Numbers are
 * normalised on the way in so that a value read back from JSON equals the value written.
 */
final class JsonValues {

    private JsonValues() {
    }

    /**
     * Deep-copies a map into the normalised, unmodifiable form.
     *
     * @throws IllegalArgumentException for values JSON cannot hold (null, NaN, other types)
     */
    static Map<String, Object> freezeMap(Map<String, ?> map, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : map.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException(where + " has a null key");
            }
            out.put(e.getKey(), freeze(e.getValue(), where + "." + e.getKey()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object freeze(Object v, String where) {
        if (v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            // Through the decimal text JSON will hold, so that reading it back gives the same Double.
            return checkFinite(Double.parseDouble(f.toString()), where);
        }
        if (v instanceof Number n) {
            return checkFinite(n.doubleValue(), where);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException(where + " has a non-string key " + e.getKey());
                }
                out.put(k, freeze(e.getValue(), where + "." + k));
            }
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof Iterable<?> it) {
            List<Object> out = new ArrayList<>();
            int i = 0;
            for (Object x : it) {
                out.add(freeze(x, where + "[" + i++ + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (v != null && v.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                out.add(freeze(Array.get(v, i), where + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException(where + ": " + (v == null ? "null" : v.getClass().getSimpleName())
                + " cannot be stored in a model card (use strings, numbers, booleans, lists and maps)");
    }

    private static Double checkFinite(double d, String where) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(where + " is " + d + "; JSON holds only finite numbers");
        }
        return d;
    }

    /** @return the JSON tree of a normalised value */
    static JsonElement toJson(Object v) {
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
            m.forEach((k, x) -> o.add((String) k, toJson(x)));
            return o;
        }
        if (v instanceof List<?> l) {
            JsonArray a = new JsonArray();
            l.forEach(x -> a.add(toJson(x)));
            return a;
        }
        return JsonNull.INSTANCE;
    }

    /**
     * @return the normalised value of a JSON tree: integral numbers as Long, others as Double
     * @throws IllegalArgumentException for JSON null, which a card never holds
     */
    static Object fromJson(JsonElement e, String where) {
        if (e.isJsonObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> x : e.getAsJsonObject().entrySet()) {
                out.put(x.getKey(), fromJson(x.getValue(), where + "." + x.getKey()));
            }
            return Collections.unmodifiableMap(out);
        }
        if (e.isJsonArray()) {
            List<Object> out = new ArrayList<>();
            int i = 0;
            for (JsonElement x : e.getAsJsonArray()) {
                out.add(fromJson(x, where + "[" + i++ + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) {
                return p.getAsBoolean();
            }
            if (p.isString()) {
                return p.getAsString();
            }
            String text = p.getAsString();
            if (text.matches("-?\\d+")) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException tooLong) {
                    // falls through to a double
                }
            }
            return checkFinite(Double.parseDouble(text), where);
        }
        throw new IllegalArgumentException(where + " is null");
    }
}

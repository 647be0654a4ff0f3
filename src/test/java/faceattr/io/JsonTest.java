package faceattr.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shared JSON handling: strict and lenient parsing with user-facing messages, the writer's
 * format, and the conversion of free-form values, whose numbers must read back equal to what was
 * written.
 */
class JsonTest {
    @Test
    void strictParsingRefusesWhatJsonForbidsAndSaysWhere() {
        for (String bad : new String[] {"{\"a\": NaN}", "{a: 1}", "{\"a\": 1} x", "{\"a\": 1,}", "[1, 2",
            "// note\n{}", "{'a': 1}"}) {
            JsonParseException e = assertThrows(JsonParseException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("line 1 column") || e.getMessage().contains("line 2 column")
                    || e.getMessage().contains("after the JSON value"), bad + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("setStrictness") || e.getMessage().contains("https://")
                    || e.getMessage().contains("Exception"), bad + ": " + e.getMessage());
        }
        assertEquals(3, Json.parse(" {\"a\": [1, 2.5, \"x\"]} ").getAsJsonObject().getAsJsonArray("a").size());
        assertTrue(assertThrows(JsonParseException.class, () -> Json.parse(" \n")).getMessage().contains("empty"));
        assertThrows(JsonParseException.class, () -> Json.parseLenient(""));
    }

    @Test
    void lenientParsingReadsTheNonFiniteNumbersOurFilesHold() {
        JsonElement e = Json.parseLenient("{\"a\": NaN, \"b\": Infinity, \"c\": -Infinity, \"d\": 2}");
        JsonFields f = JsonFields.of(e, "");
        assertTrue(Double.isNaN(f.numberOrNonFinite("a")));
        assertEquals(Double.POSITIVE_INFINITY, f.numberOrNonFinite("b"));
        assertEquals(Double.NEGATIVE_INFINITY, f.numberOrNonFinite("c"));
        assertEquals(2.0, f.numberOrNonFinite("d"));
        assertThrows(IllegalArgumentException.class, () -> f.number("a"), "a plain number read refuses NaN");
        assertThrows(JsonParseException.class, () -> Json.parseLenient("{\"a\": 1} {"));
    }

    @Test
    void writesPrettyWithoutHtmlEscapesAndNonFiniteAsBareWords() {
        JsonObject o = new JsonObject();
        o.addProperty("fingerprint", "lr=0.001 <b> & 'c'");
        o.addProperty("loss", Double.NaN);
        o.addProperty("best", Double.POSITIVE_INFINITY);
        o.add("empty", new JsonObject());
        assertEquals("{\n  \"fingerprint\": \"lr=0.001 <b> & 'c'\",\n  \"loss\": NaN,\n  \"best\": Infinity,\n"
                + "  \"empty\": {}\n}", Json.write(o));
        assertEquals("{\"fingerprint\":\"lr=0.001 <b> & 'c'\",\"loss\":NaN,\"best\":Infinity,\"empty\":{}}",
                Json.writeCompact(o));
    }

    @Test
    void freeFormValuesReadBackEqualToWhatWasWritten() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("int", 256);
        m.put("float", 0.2f);
        m.put("double", 0.1);
        m.put("whole double", 3.0);
        m.put("huge", new java.math.BigInteger("123456789012345678901234567890"));
        m.put("ints", new int[] {12, 15});
        m.put("nested", Map.of("flag", true, "names", List.of("a", "b")));
        Map<String, Object> n = Json.normalise(m, "metrics");
        assertEquals(256L, n.get("int"));
        assertEquals(0.2, n.get("float"), "a Float becomes the Double of its decimal text");
        assertEquals(3.0, n.get("whole double"), "a Double stays a Double even when whole");
        assertEquals(1.2345678901234568e29, n.get("huge"));
        assertEquals(List.of(12L, 15L), n.get("ints"));
        assertEquals(Map.of("flag", true, "names", List.of("a", "b")), n.get("nested"));
        assertEquals(n, Json.fromTree(Json.parse(Json.write(Json.toTree(n))), "metrics"), "through text and back");
        assertEquals(List.copyOf(m.keySet()), List.copyOf(n.keySet()), "key order is kept");
        assertThrows(UnsupportedOperationException.class, () -> n.put("x", 1));
    }

    @Test
    void valuesJsonCannotHoldAreRefusedByPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.normalise(Map.of("a", Map.of("mae", Double.NaN)), "metrics"));
        assertTrue(e.getMessage().contains("metrics.a.mae") && e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Json.normalise(Map.of("list", List.of(1, new Object())), "architecture"));
        assertTrue(e.getMessage().contains("architecture.list[1]") && e.getMessage().contains("Object"),
                e.getMessage());
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("x", null);
        e = assertThrows(IllegalArgumentException.class, () -> Json.normalise(withNull, "training_data"));
        assertTrue(e.getMessage().contains("training_data.x"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.fromTree(Json.parse("{\"a\": [null]}"), "m"));
        assertTrue(e.getMessage().contains("m.a[0] is null"), e.getMessage());
    }
}

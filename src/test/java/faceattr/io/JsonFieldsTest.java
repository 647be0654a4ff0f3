package faceattr.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Typed field reads: strict numbers, and every error naming the field with its path. */
class JsonFieldsTest {
    private static final String DOC = "{\"name\": \"m\", \"flag\": true, \"size\": 224, \"whole\": 3.0, "
            + "\"big\": 12345678901234, \"half\": 2.5, \"text\": \"7\", \"nothing\": null, "
            + "\"input\": {\"mean\": [0.485, 1e-3], \"dims\": [2, 3], \"names\": [\"a\", \"b\"], "
            + "\"inner\": {\"x\": 1}}}";

    private static JsonFields doc() {
        return JsonFields.of(Json.parse(DOC), "");
    }

    private static void assertFails(Runnable read, String... expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read::run);
        for (String t : expected) {
            assertTrue(e.getMessage().contains(t), "'" + t + "' not in: " + e.getMessage());
        }
    }

    @Test
    void readsEachTypeStrictly() {
        JsonFields f = doc();
        assertEquals("m", f.string("name"));
        assertTrue(f.bool("flag"));
        assertEquals(224, f.integer("size"));
        assertEquals(3, f.integer("whole"), "a whole number written with a fraction is still that integer");
        assertEquals(12345678901234L, f.longInteger("big"));
        assertEquals(2.5, f.number("half"));
        assertFalse(f.has("nothing"), "JSON null counts as absent");
        assertFalse(f.has("absent"));
        JsonFields in = f.object("input");
        assertArrayEquals(new float[] {0.485f, 1e-3f}, in.floats("mean"));
        assertArrayEquals(new int[] {2, 3}, in.ints("dims"));
        assertEquals(List.of("a", "b"), in.strings("names"));
        assertEquals(Map.of("x", 1L), in.values("inner"));
        assertEquals("input.inner", in.path("inner"));
    }

    @Test
    void refusesWhatWouldHaveToBeConvertedOrRounded() {
        JsonFields f = doc();
        assertFails(() -> f.integer("half"), "the field 'half' must be an integer");
        assertFails(() -> f.integer("big"), "the field 'big' must be an integer");
        assertFails(() -> f.integer("text"), "the field 'text' must be a number");
        assertFails(() -> f.number("name"), "the field 'name' must be a number");
        assertFails(() -> f.string("size"), "the field 'size' must be a string");
        assertFails(() -> f.bool("text"), "the field 'text' must be true or false");
        assertFails(() -> f.object("name"), "the field 'name' must be a JSON object");
        assertFails(() -> f.array("input"), "the field 'input' must be a JSON array");
    }

    @Test
    void errorsNameTheFieldWithItsPath() {
        JsonFields f = doc();
        assertFails(() -> f.string("nothing"), "the field 'nothing' is missing");
        assertFails(() -> f.string("absent"), "the field 'absent' is missing");
        JsonFields in = f.object("input");
        assertFails(() -> in.integer("width"), "input: the field 'width' is missing");
        assertFails(() -> in.ints("mean"), "input: the field 'mean' must hold integers");
        assertFails(() -> in.floats("names"), "input: the field 'names' must hold numbers");
        assertFails(() -> in.strings("dims"), "input: the field 'dims' must hold strings");
        assertFails(() -> in.object("inner").string("x"), "input.inner: the field 'x' must be a string");
        assertFails(() -> JsonFields.of(Json.parse("[1]"), ""), "the document must be a JSON object");
        assertFails(() -> JsonFields.of(Json.parse("[1]"), "weights[0]"), "'weights[0]' must be a JSON object");
    }
}

package faceattr.io.roi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RectRoiTest {

    private static IllegalArgumentException rejects(double x, double y, double w, double h, int position, int c,
            int z, int t, Map<String, String> props) {
        return assertThrows(IllegalArgumentException.class, () -> new RectRoi("r", x, y, w, h, position, c, z, t, props));
    }

    @Test
    void rejectsNonFiniteOrNegativeGeometry() {
        rejects(Double.NaN, 0, 1, 1, 0, 0, 0, 0, Map.of());
        rejects(0, Double.POSITIVE_INFINITY, 1, 1, 0, 0, 0, 0, Map.of());
        rejects(0, 0, -0.5, 1, 0, 0, 0, 0, Map.of());
        rejects(0, 0, 1, Double.NaN, 0, 0, 0, 0, Map.of());
        rejects(0, 0, Double.POSITIVE_INFINITY, 1, 0, 0, 0, 0, Map.of());
        RectRoi edge = new RectRoi("r", -2.5, -1, 0, 0, 0, 0, 0, 0, Map.of()); // outside the image is allowed
        assertEquals(-2.5, edge.x());
    }

    @Test
    void acceptsOnePositionFormOnly() {
        IllegalArgumentException e = rejects(0, 0, 1, 1, 3, 0, 2, 0, Map.of());
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
        rejects(0, 0, 1, 1, -1, 0, 0, 0, Map.of());
        rejects(0, 0, 1, 1, 0, 0, -2, 1, Map.of());
        RectRoi r = RectRoi.of("r", 0, 0, 1, 1).atPosition(4).atHyperstackPosition(0, 2, 3);
        assertEquals(List.of(0, 0, 2, 3), List.of(r.position(), r.c(), r.z(), r.t()));
        r = r.atPosition(5);
        assertEquals(List.of(5, 0, 0, 0), List.of(r.position(), r.c(), r.z(), r.t()));
    }

    @Test
    void nameIsRequired() {
        assertThrows(NullPointerException.class, () -> RectRoi.of(null, 0, 0, 1, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "a:b", "a=b", "back\\slash", "#comment", "!comment", "line\nbreak"})
    void rejectsKeysImageJWouldReadBackOtherwise(String key) {
        rejects(0, 0, 1, 1, 0, 0, 0, 0, Map.of(key, "v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two\nlines", "carriage\rreturn"})
    void rejectsEmptyValuesAndLineBreaks(String value) {
        rejects(0, 0, 1, 1, 0, 0, 0, 0, Map.of("k", value));
    }

    @Test
    void rejectsNullKeysAndValues() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        rejects(0, 0, 1, 1, 0, 0, 0, 0, nullValue);
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "v");
        rejects(0, 0, 1, 1, 0, 0, 0, 0, nullKey);
    }

    @Test
    void propertiesAreAnUnmodifiableCopyInGivenOrder() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("zeta", "1");
        props.put("alpha", "Ünïcode value, with spaces: and colons");
        props.put("mid", "3");
        RectRoi r = RectRoi.of("r", 0, 0, 1, 1).withProperties(props);
        props.put("late", "4");
        assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(r.properties().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> r.properties().put("x", "y"));
    }
}

package faceattr.io.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ij.gui.Roi;
import ij.io.RoiDecoder;
import ij.io.RoiEncoder;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our bytes against ImageJ 1.54p's {@code RoiEncoder} for the equivalent {@code ij.gui.Roi}. */
class RectRoiEncoderTest {

    @BeforeAll
    static void imageJAtItsDefaults() {
        // A new Roi takes these from global settings; the encoder writes the defaults.
        assertEquals(0.0, Roi.getDefaultStrokeWidth());
        assertNull(Roi.getDefaultFillColor());
        assertEquals(0, Roi.getDefaultGroup());
    }

    static Stream<Arguments> cases() {
        Map<String, String> product = new LinkedHashMap<>(); // not in key order: the file sorts them
        product.put("score", "0.9987");
        product.put("landmarks", "10.5,20.25,30,20,20,30,12,40,28,40");
        product.put("age", "31.4");
        product.put("gender", "female");
        product.put("faceattr", "1");
        product.put("faceattr_image", "group photo.jpg");
        Map<String, String> unicode = new LinkedHashMap<>();
        unicode.put("faceattr_image", "Café 日本 \uD83D\uDE00.jpg"); // accented, CJK and a surrogate pair
        unicode.put("émotion", "überrascht");
        String longName = "face-" + "x".repeat(700) + "-é";
        return Stream.of(
                Arguments.of("integer bounds", RectRoi.of("face-1", 10, 20, 30, 40)),
                Arguments.of("fractional bounds", RectRoi.of("face-2", 10.25, 20.75, 30.5, 40.125)),
                Arguments.of("bounds not exact in float", RectRoi.of("f", 0.1, 0.2, 123.456789, 1e-3)),
                Arguments.of("zero size", RectRoi.of("zero", 5, 6, 0, 0)),
                Arguments.of("zero size, fractional origin", RectRoi.of("zero", 5.5, 6.5, 0, 0)),
                Arguments.of("negative origin", RectRoi.of("edge", -3.5, -0.25, 10, 10.5)),
                Arguments.of("beyond 16 bits", RectRoi.of("big", 70000.5, 65535, 60001, 2)),
                Arguments.of("empty name", RectRoi.of("", 1, 2, 3, 4)),
                Arguments.of("properties", RectRoi.of("face-3", 1.5, 2.5, 3.5, 4.5).withProperties(product)),
                Arguments.of("non-ASCII properties", RectRoi.of("visage-é", 8, 9, 10, 11).withProperties(unicode)),
                Arguments.of("plain position", RectRoi.of("s7-face-1", 1, 2, 3, 4).atPosition(7)),
                Arguments.of("large plain position", RectRoi.of("s1-face-1", 1, 2, 3, 4).atPosition(100_000)),
                Arguments.of("hyperstack position", RectRoi.of("s3-face-1", 1, 2, 3, 4).atHyperstackPosition(0, 3, 5)),
                Arguments.of("full hyperstack position", RectRoi.of("c", 1, 2, 3, 4).atHyperstackPosition(2, 3, 4)),
                Arguments.of("long name", RectRoi.of(longName, 1.75, 2, 3, 4.25)),
                Arguments.of("everything", RectRoi.of(longName, 0.5, 0.5, 99.5, 0)
                        .atHyperstackPosition(1, 0, 9).withProperties(unicode)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameBytesAsImageJ(String label, RectRoi roi) {
        assertArrayEquals(RoiEncoder.saveAsByteArray(ImageJRois.of(roi)), RectRoiEncoder.encode(roi));
    }

    @Test
    void sameBytesAsImageJOnRandomRectangles() {
        Random rnd = new Random(20250217);
        for (int i = 0; i < 2000; i++) {
            double scale = Math.pow(10, rnd.nextInt(7) - 2); // 0.01 to 10^4
            double x = (rnd.nextDouble() - 0.2) * scale * 10;
            double y = rnd.nextInt(4) == 0 ? Math.floor(x) : rnd.nextDouble() * scale * 10;
            double w = rnd.nextInt(5) == 0 ? 0 : rnd.nextDouble() * scale;
            double h = rnd.nextInt(5) == 0 ? Math.rint(w) : rnd.nextDouble() * scale;
            RectRoi roi = RectRoi.of("r" + i, x, y, w, h);
            switch (rnd.nextInt(3)) {
                case 0 -> roi = roi.atPosition(rnd.nextInt(50));
                case 1 -> roi = roi.atHyperstackPosition(rnd.nextInt(3), rnd.nextInt(9), rnd.nextInt(9));
                default -> { }
            }
            assertArrayEquals(RoiEncoder.saveAsByteArray(ImageJRois.of(roi)), RectRoiEncoder.encode(roi), roi.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void imageJDecodesWhatWasMeant(String label, RectRoi roi) throws IOException {
        Roi back = new RoiDecoder(RectRoiEncoder.encode(roi), "ignored.roi").getRoi();
        assertEquals(Roi.RECTANGLE, back.getType());
        var b = back.getFloatBounds();
        assertEquals((float) roi.x(), (float) b.x);
        assertEquals((float) roi.y(), (float) b.y);
        assertEquals((float) roi.width(), (float) b.width, 2 * Math.ulp((float) (roi.x() + roi.width())));
        assertEquals((float) roi.height(), (float) b.height, 2 * Math.ulp((float) (roi.y() + roi.height())));
        assertEquals(roi.name().isEmpty() ? "ignored" : roi.name(), back.getName());
        assertEquals(roi.position(), back.getPosition());
        assertEquals(roi.c(), back.getCPosition());
        assertEquals(roi.t(), back.getTPosition());
        if (roi.position() == 0) {
            assertEquals(roi.z(), back.getZPosition());
        }
        for (Map.Entry<String, String> p : roi.properties().entrySet()) {
            if (p.getKey().chars().allMatch(ch -> ch < 128) && p.getValue().chars().allMatch(ch -> ch < 128)) {
                assertEquals(p.getValue(), back.getProperty(p.getKey()), p.getKey());
            } // non-ASCII: ImageJ reads UTF-8 as ISO-8859-1; the bytes match ImageJ's own, above
        }
    }

    @Test
    void propertiesTextIsSortedKeyColonValueLines() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("b", "2");
        props.put("a", "x y");
        props.put("B", "é");
        assertEquals("B: é\na: x y\nb: 2\n", RectRoiEncoder.propertiesText(props));
        assertEquals("", RectRoiEncoder.propertiesText(Map.of()));
    }
}

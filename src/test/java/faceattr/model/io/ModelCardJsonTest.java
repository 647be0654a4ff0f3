package faceattr.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The card's JSON against a golden file: the text below was written by the hand-written codec
 * this one replaced, so cards already on disk must read to the same values and write back to
 * the same bytes. Also each kind of damage, which must name the file and the field.
 */
class ModelCardJsonTest {
    private static final Path FILE = Path.of("models", "golden", "model.json");
    private static final String GOLDEN = """
            {
              "format_version": 1,
              "name": "golden",
              "created": "2025-10-01T12:34:56.789Z",
              "software": "Face Attributes 0.1.0",
              "architecture": {
                "backbone": "mobilenet_v3_large",
                "embed_dim": 256,
                "dropout": 0.2,
                "branch_points": [
                  12,
                  15
                ],
                "note": "a=b <c>"
              },
              "input": {
                "width": 224,
                "height": 160,
                "color": "RGB",
                "pixel_scale": 1.0,
                "mean": [
                  0.485,
                  0.456,
                  0.406
                ],
                "std": [
                  0.229,
                  0.224,
                  0.225
                ]
              },
              "label_spaces": {
                "gender": [
                  "male",
                  "female"
                ]
              },
              "training_data": {
                "images": 23705
              },
              "metrics": {
                "age_mae": 4.91
              },
              "parameters": {
                "file": "parameters.safetensors",
                "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "bytes": 1234
              }
            }
            """;

    private static void assertRefused(String json, String... expected) {
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> ModelCard.fromJson(json, FILE));
        assertEquals(FILE, e.file());
        for (String t : expected) {
            assertTrue(e.getMessage().contains(t), "'" + t + "' not in: " + e.getMessage());
        }
    }

    @Test
    void aCardOfThePreviousCodecReadsAndWritesBackByteForByte() throws Exception {
        ModelCard c = ModelCard.fromJson(GOLDEN, FILE);
        assertEquals("golden", c.name());
        assertEquals(Instant.parse("2025-10-01T12:34:56.789Z"), c.created());
        assertEquals(224, c.inputWidth());
        assertEquals(160, c.inputHeight());
        assertEquals(1.0, c.pixelScale());
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, c.mean());
        assertEquals(List.of("male", "female"), c.labelSpace("gender"));
        assertEquals(256L, c.architecture().get("embed_dim"));
        assertEquals(0.2, c.architecture().get("dropout"));
        assertEquals(List.of(12L, 15L), c.architecture().get("branch_points"));
        assertEquals(Map.of("images", 23705L), c.trainingData());
        assertEquals(Map.of("age_mae", 4.91), c.metrics());
        assertEquals("0123456789abcdef".repeat(4), c.parametersSha256());
        assertEquals(1234, c.parametersBytes());
        assertEquals(GOLDEN, c.toJson());
    }

    @Test
    void damageIsReportedWithTheFileAndTheField() {
        assertRefused(GOLDEN.replace("\"width\": 224", "\"width\": 224.5"), "input: the field 'width' must be an integer",
                "re-export");
        assertRefused(GOLDEN.replace("\"height\": 160,", ""), "input: the field 'height' is missing");
        assertRefused(GOLDEN.replace("\"name\": \"golden\"", "\"name\": 7"), "the field 'name' must be a string");
        assertRefused(GOLDEN.replace("0.456,", "\"x\","), "input: the field 'mean' must hold numbers");
        assertRefused(GOLDEN.replace("\"female\"", "2"), "label_spaces: the field 'gender' must hold strings");
        assertRefused(GOLDEN.replace("\"bytes\": 1234", "\"bytes\": 12.5"), "parameters: the field 'bytes' must be an integer");
        assertRefused(GOLDEN.replace("2025-10-01T12:34:56.789Z", "yesterday"), "'created'");
        assertRefused(GOLDEN.replace("\"images\": 23705", "\"images\": null"), "training_data.images is null");
        assertRefused(GOLDEN.replace("\"format_version\": 1", "\"format_version\": 3"), "format_version 3", "newer");
        assertRefused(GOLDEN.replace("\"format_version\": 1", "\"format_version\": 1.5"), "no valid format_version");
        assertRefused(GOLDEN.replace("4.91", "NaN"), "not valid JSON", "line 42");
        assertRefused(GOLDEN + "{}", "not valid JSON");
    }
}

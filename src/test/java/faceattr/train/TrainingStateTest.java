package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParseException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint state against a golden file written by the reflection-based Gson it replaced
 * (which escaped '=' and wrote NaN and Infinity bare): it must still read, and write back the same
 * but for those escapes.
 */
class TrainingStateTest {
    private static final String GOLDEN = """
            {
              "epoch": 2,
              "step": 8,
              "bestValLoss": Infinity,
              "bestEpoch": 1,
              "sinceBest": 1,
              "fingerprint": "input\\u003d112 tasks\\u003d[age, gender] ratios\\u003d{} data\\u003d1a2b/40",
              "history": [
                {
                  "epoch": 1.0,
                  "train_loss": 2.5,
                  "val_loss": NaN
                },
                {
                  "epoch": 2.0,
                  "train_loss": 1.25,
                  "val_loss": 0.1
                }
              ]
            }
            """;

    @Test
    void aStateOfThePreviousWriterReadsAndWritesBack() {
        TrainingState s = TrainingState.fromJson(GOLDEN);
        assertEquals(2, s.epoch);
        assertEquals(8, s.step);
        assertEquals(Double.POSITIVE_INFINITY, s.bestValLoss);
        assertEquals(1, s.bestEpoch);
        assertEquals(1, s.sinceBest);
        assertEquals("input=112 tasks=[age, gender] ratios={} data=1a2b/40", s.fingerprint);
        assertEquals(2, s.history.size());
        assertTrue(s.history.get(0).get("val_loss").isNaN());
        assertEquals(List.of("epoch", "train_loss", "val_loss"), List.copyOf(s.history.get(1).keySet()));
        assertEquals(Map.of("epoch", 2.0, "train_loss", 1.25, "val_loss", 0.1), s.history.get(1));
        assertEquals(GOLDEN.strip().replace("\\u003d", "="), s.toJson());
        assertEquals(s.toJson(), TrainingState.fromJson(s.toJson()).toJson());
    }

    @Test
    void aDamagedStateNamesTheField() {
        Map<String, String> damage = Map.of(
                "\"step\": 8.5", "the field 'step' must be an integer",
                "\"step\": \"8\"", "the field 'step' must be a number",
                "\"steps\": 8", "the field 'step' is missing");
        damage.forEach((step, expected) -> {
            String json = GOLDEN.replace("\"step\": 8", step);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TrainingState.fromJson(json), step);
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        });
        String badHistory = GOLDEN.replace("\"val_loss\": 0.1", "\"val_loss\": \"low\"");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingState.fromJson(badHistory))
                .getMessage().contains("history[1]: the field 'val_loss' must be a number"));
        assertThrows(IllegalArgumentException.class, () -> TrainingState.fromJson("[]"));
        assertThrows(JsonParseException.class, () -> TrainingState.fromJson(""));
    }
}

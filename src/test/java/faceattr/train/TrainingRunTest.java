package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import faceattr.data.DatasetKind;
import faceattr.data.Splits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingRunTest {
    @Test
    void theSplitIsReadBackFromTheCard() {
        Splits.Options o = TrainingRun.splitOf(Map.of("split_seed", 7, "val_fraction", 0.3, "utk_ages", "21-60"));
        assertEquals(7, o.seed());
        assertEquals(0.3, o.valFraction(), 0);
        assertEquals(21, o.minAge());
        assertEquals(60, o.maxAge());
        Splits.Options none = TrainingRun.splitOf(Map.of());
        assertEquals(Splits.Options.DEFAULT.seed(), none.seed());
        assertNull(none.minAge());
    }

    @Test
    void dataSpecsAreParsedOrRefusedByName() {
        List<TrainingRun.DataSpec> d = TrainingRun.parse(TrainingRun.split(" rafdb:/a ; faceattr:/b c;"));
        assertEquals(DatasetKind.RAFDB, d.get(0).kind());
        assertEquals("/b c", d.get(1).path().toString());
        assertThrows(IllegalArgumentException.class, () -> TrainingRun.parse(List.of("/no/kind")));
        assertThrows(IllegalArgumentException.class, () -> TrainingRun.parse(List.of("imagenet:/x")));
    }
}

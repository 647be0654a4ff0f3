package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import faceattr.engine.Engines;
import faceattr.model.MultiTaskNet;
import faceattr.model.io.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The best epoch by validation loss is the one written; patience counts the epochs since. */
class BestModelTest {
    @TempDir
    Path tmp;

    private static Map<String, Double> metrics(double valLoss) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val_loss", valLoss);
        m.put("gender_acc", Double.NaN);
        m.put("epoch", 1.0);
        return m;
    }

    @Test
    void onlyABetterLossIsSavedAndPatienceRunsOutAfterThatManyEpochsWithout() throws Exception {
        TrainOptions o = TrainOptions.builder().setName("best").optPatience(2).build();
        Path out = tmp.resolve("model");
        BestModel best = new BestModel(out, o, List.of(), Map.of("split_seed", 7));
        TrainingState state = new TrainingState();
        double[] losses = {3, 4, Double.NaN, 2.5, 2.5, 2.6};
        boolean[] expected = {true, false, false, true, false, false};
        int[] since = {0, 1, 2, 0, 1, 2};
        boolean[] stop = {false, false, true, false, false, true};
        try (NDManager manager = Engines.newManager()) {
            MultiTaskNet net = new MultiTaskNet(o.modelConfig());
            net.initialize(manager);
            for (int i = 0; i < losses.length; i++) {
                state.epoch = i + 1;
                assertEquals(expected[i], best.offer(state, metrics(losses[i]), net), "epoch " + (i + 1));
                assertEquals(since[i], state.sinceBest, "epochs since the best, after epoch " + (i + 1));
                assertEquals(stop[i], best.patienceRunOut(state), "early stop after epoch " + (i + 1));
                if (i == 0) {
                    assertTrue(Files.isRegularFile(out.resolve("model.json")));
                }
            }
        }
        assertEquals(4, state.bestEpoch);
        assertEquals(2.5, state.bestValLoss);
        ModelFolder saved = ModelFolder.read(out);
        assertEquals(Map.of("val_loss", 2.5, "epoch", 1.0), saved.card().metrics(), "finite metrics only");
        assertEquals(7, ((Number) saved.card().trainingData().get("split_seed")).intValue());
        assertFalse(new BestModel(out, o.toBuilder().optPatience(0).build(), List.of(), Map.of())
                .patienceRunOut(state), "patience 0 never stops");
    }
}

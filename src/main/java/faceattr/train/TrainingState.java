package faceattr.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import faceattr.io.Json;
import faceattr.io.JsonFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The progress saved with every checkpoint ({@code state.json}): where the run is, its best
 * validation loss so far and the metrics of every finished epoch. Mutable: the training loop
 * updates it in place.
 *
 * <p>The keys are the field names, in camel case, as the first checkpoints were written. The
 * values may be NaN (an epoch without validation faces) or Infinity (no best loss yet), written
 * as the bare words and read back leniently ({@link Json#parseLenient}).
 */
final class TrainingState {
    int epoch;
    long step;
    double bestValLoss = Double.POSITIVE_INFINITY;
    int bestEpoch;
    int sinceBest;
    String fingerprint;
    List<Map<String, Double>> history = new ArrayList<>();

    /** @return the state as the text of {@code state.json} */
    String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("epoch", epoch);
        o.addProperty("step", step);
        o.addProperty("bestValLoss", bestValLoss);
        o.addProperty("bestEpoch", bestEpoch);
        o.addProperty("sinceBest", sinceBest);
        o.addProperty("fingerprint", fingerprint);
        o.add("history", Json.toTree(history));
        return Json.write(o);
    }

    /**
     * @param json the text of {@code state.json}
     * @return the state
     * @throws com.google.gson.JsonParseException when it is not JSON
     * @throws IllegalArgumentException naming the field that is missing or of the wrong type
     */
    static TrainingState fromJson(String json) {
        JsonFields o = JsonFields.of(Json.parseLenient(json), "");
        TrainingState s = new TrainingState();
        s.epoch = o.integer("epoch");
        s.step = o.longInteger("step");
        s.bestValLoss = o.numberOrNonFinite("bestValLoss");
        s.bestEpoch = o.integer("bestEpoch");
        s.sinceBest = o.integer("sinceBest");
        s.fingerprint = o.string("fingerprint");
        JsonArray epochs = o.array("history");
        for (int i = 0; i < epochs.size(); i++) {
            JsonFields e = JsonFields.of(epochs.get(i), "history[" + i + "]");
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (String k : e.keys()) {
                metrics.put(k, e.numberOrNonFinite(k));
            }
            s.history.add(metrics);
        }
        return s;
    }
}

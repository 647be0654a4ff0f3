package faceattr.train;

import faceattr.core.FaceAttrException;
import faceattr.data.Sample;
import faceattr.estimate.MultiTaskEstimator;
import faceattr.labels.Task;
import faceattr.model.ModelConfig;
import faceattr.model.MultiTaskNet;
import faceattr.model.io.ModelCard;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model choice by validation loss: an epoch with a lower loss than any before is written as the
 * model folder (replacing the last one as a whole), its card recording the data per dataset and
 * split, the options and that epoch's metrics; the state counts the epochs since, for early
 * stopping.
 */
final class BestModel {
    private final Path out;
    private final TrainOptions o;
    private final List<Sample> samples;
    private final Map<String, Object> notes;

    /**
     * @param out the model folder
     * @param o the options (recorded in the card)
     * @param samples the run's samples (counted per dataset and split in the card)
     * @param notes extra training-data entries for the card
     */
    BestModel(Path out, TrainOptions o, List<Sample> samples, Map<String, Object> notes) {
        this.out = out;
        this.o = o;
        this.samples = samples;
        this.notes = notes;
    }

    /**
     * Records an epoch's validation result, and writes the model when it is the best so far.
     *
     * @param state the run's state, whose epoch is the one just finished
     * @param metrics its validation metrics, {@code val_loss} among them
     * @param net the network after that epoch
     * @return whether the epoch is the best so far
     * @throws FaceAttrException when the model folder cannot be written
     */
    boolean offer(TrainingState state, Map<String, Double> metrics, MultiTaskNet net) throws FaceAttrException {
        double v = metrics.get("val_loss");
        if (!(v < state.bestValLoss)) {
            state.sinceBest++;
            return false;
        }
        state.bestValLoss = v;
        state.bestEpoch = state.epoch;
        state.sinceBest = 0;
        write(net, metrics);
        return true;
    }

    /** @return whether {@code patience} epochs have passed without a better one (never with patience 0) */
    boolean patienceRunOut(TrainingState state) {
        return o.patience() > 0 && state.sinceBest >= o.patience();
    }

    private void write(MultiTaskNet net, Map<String, Double> metrics) throws FaceAttrException {
        ModelConfig config = net.config();
        Map<String, Object> data = new LinkedHashMap<>(notes);
        Map<String, Integer> perSource = new LinkedHashMap<>();
        samples.forEach(s -> perSource.merge(s.source() + "/" + s.split().name().toLowerCase(Locale.ROOT), 1,
                Integer::sum));
        data.put("samples", perSource);
        data.put("tasks", o.tasks().stream().map(Task::key).toList());
        data.put("epochs", o.epochs());
        data.put("batch", o.batch());
        data.put("learning_rate", o.learningRate());
        data.put("seed", o.seed());
        Map<String, Double> finite = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                finite.put(k, v);
            }
        });
        ModelCard card = MultiTaskEstimator.defaultCard(o.name(), config).toBuilder().optTrainingData(data)
                .optMetrics(finite).build();
        MultiTaskEstimator.write(out, card, net);
    }
}

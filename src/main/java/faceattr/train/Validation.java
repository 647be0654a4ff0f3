package faceattr.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import faceattr.core.RgbImage;
import faceattr.data.Sample;
import faceattr.engine.Autograd;
import faceattr.labels.LabelSet;
import faceattr.model.ModelConfig;
import faceattr.model.MultiTaskNet;
import faceattr.model.loss.MultiTaskLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation after each epoch: the mean loss and, where labels exist, age MAE and per-task
 * accuracy. The model is chosen by the loss; the accuracies go to the log, the history and the
 * model card.
 */
final class Validation {
    private final MultiTaskNet net;
    private final ModelConfig config;
    private final ParameterStore ps;
    private final MultiTaskLoss loss;
    private final int batch;
    private final NDManager manager;

    /**
     * @param net the network being trained
     * @param ps its parameter store
     * @param loss the training loss
     * @param batch faces per forward pass
     * @param manager the parent of each batch's arrays
     */
    Validation(MultiTaskNet net, ParameterStore ps, MultiTaskLoss loss, int batch, NDManager manager) {
        this.net = net;
        this.config = net.config();
        this.ps = ps;
        this.loss = loss;
        this.batch = batch;
        this.manager = manager;
    }

    /**
     * @param val the validation samples
     * @param crops their crops
     * @return {@code val_loss} (NaN without a usable sample), then the metrics of
     *     {@link Evaluation#metrics} but the count, in a fixed order
     */
    Map<String, Double> run(List<Sample> val, UsableCrops crops) {
        double lossSum = 0;
        int count = 0;
        List<Evaluation.Prediction> predictions = new ArrayList<>();
        for (int from = 0; from < val.size(); from += batch) {
            List<RgbImage> c = new ArrayList<>();
            List<LabelSet> l = new ArrayList<>();
            for (Sample s : val.subList(from, Math.min(val.size(), from + batch))) {
                RgbImage img = crops.crop(s);
                if (img != null) {
                    c.add(img);
                    l.add(s.labels());
                }
            }
            if (c.isEmpty()) {
                continue;
            }
            try (NDManager sub = manager.newSubManager(); Autograd.Scope noGrad = Autograd.disable()) {
                NDList logits = net.forward(ps, new NDList(Batches.input(sub, c, config.inputSize())), false);
                NDList all = Batches.allTasks(logits, config, sub);
                lossSum += loss.compute(all, Batches.targets(l, config)).total().getFloat() * c.size();
                count += c.size();
                predictions.addAll(Evaluation.predictions(all, l, config.tasks(), config.ageBins()));
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("val_loss", count == 0 ? Double.NaN : lossSum / count);
        Map<String, Double> m = Evaluation.metrics(predictions);
        m.remove("n");
        out.putAll(m);
        return out;
    }
}

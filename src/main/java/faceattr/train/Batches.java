package faceattr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import faceattr.core.RgbImage;
import faceattr.estimate.AttributeTranslator;
import faceattr.estimate.MultiTaskEstimator;
import faceattr.labels.LabelSet;
import faceattr.labels.Task;
import faceattr.model.ModelConfig;
import faceattr.model.loss.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch as the multi-task loss sees it, for training, validation and evaluation alike: the
 * normalised crops in, the outputs of every task out (zeros for tasks the network lacks, so the
 * loss and the metrics index tasks the same way for every network), and the labels of the
 * network's tasks only.
 */
final class Batches {
    private Batches() {
    }

    /** The crops, ImageNet-normalised, as one {@code (n, 3, size, size)} array. */
    static NDArray input(NDManager m, List<RgbImage> crops, int size) {
        return m.create(AttributeTranslator.normalise(crops, 255, MultiTaskEstimator.IMAGENET_MEAN,
                MultiTaskEstimator.IMAGENET_STD), new Shape(crops.size(), 3, size, size));
    }

    /** The network's outputs in Task order, zeros (no gradient) for tasks it does not have. */
    static NDList allTasks(NDList logits, ModelConfig config, NDManager m) {
        List<Task> tasks = config.tasks();
        NDList out = new NDList();
        long n = logits.get(0).getShape().get(0);
        for (Task t : Task.values()) {
            int i = tasks.indexOf(t);
            out.add(i >= 0 ? logits.get(i) : m.zeros(new Shape(n, t.classes(config.ageBins()))));
        }
        return out;
    }

    /**
     * The labels of the network's tasks: those of other tasks are dropped, so a single-task
     * network is not scored on the zeros {@link #allTasks} puts in their place.
     */
    static Labels targets(List<LabelSet> labels, ModelConfig config) {
        List<Task> tasks = config.tasks();
        List<LabelSet> out = new ArrayList<>(labels.size());
        for (LabelSet l : labels) {
            out.add(l.only(t -> tasks.contains(t.task())));
        }
        return Labels.of(out);
    }
}

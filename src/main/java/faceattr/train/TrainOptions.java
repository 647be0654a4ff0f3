package faceattr.train;

import faceattr.labels.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run is configured with (docs/training.md gives the defaults' reasons).
 *
 * @param name the model's name (written to its card)
 * @param inputSize the crop side (112, 128, 160 or 224)
 * @param branchPoint backbone stages shared by all tasks (ModelConfig's k)
 * @param tasks the tasks trained; fewer tasks give single-task baselines with the same code
 * @param epochs epochs to train
 * @param batch samples per step
 * @param learningRate the peak learning rate of AdamW
 * @param weightDecay AdamW's decoupled weight decay
 * @param warmupEpochs linear warm-up at the start, then a cosine decay to 1 % of the peak
 * @param clipNorm the largest global gradient norm (gradients are scaled down to it), 0 for none
 * @param epochSize samples per epoch, 0 for all training samples
 * @param ratios per dataset kind, its share of each epoch (missing: proportional to its size)
 * @param classBalanced draw each dataset's samples inversely to their class frequency
 * @param augment augmentation strengths
 * @param patience stop when validation loss has not improved for this many epochs; 0 never
 * @param seed the seed of data order, augmentation, initialisation and dropout
 * @param init a model folder to start from (fine-tuning), or null for random initialisation
 * @param bnMomentum BatchNorm's running-statistics momentum (PyTorch convention; torchvision's 0.01
 *     by default; short runs need about 0.1, see {@code MultiTaskNet.setBatchNormMomentum})
 */
public record TrainOptions(String name, int inputSize, int branchPoint, List<Task> tasks, int epochs, int batch,
        double learningRate, double weightDecay, double warmupEpochs, double clipNorm, int epochSize,
        Map<String, Double> ratios, boolean classBalanced, Augmenter.Options augment, int patience, long seed,
        Path init, double bnMomentum) {

    /** Checks and copies. */
    public TrainOptions {
        if (batch < 2) {
            throw new IllegalArgumentException("the batch must hold at least 2 faces (BatchNorm needs two), got "
                    + batch);
        }
        if (epochs < 1 || !(learningRate > 0) || !(weightDecay >= 0) || !(warmupEpochs >= 0)
                || !(clipNorm >= 0) || epochSize < 0 || patience < 0 || !(bnMomentum > 0 && bnMomentum <= 1)) {
            throw new IllegalArgumentException("training option out of range");
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("train at least one task");
        }
        tasks = List.copyOf(tasks);
        ratios = Map.copyOf(ratios);
    }

    /**
     * @param name the model's name
     * @return defaults: 112 px, k = 7, all tasks, 30 epochs of batch 32, AdamW 1e-3 with weight
     *     decay 0.05, 1 warm-up epoch, clipping at 5, all samples per epoch, augmentation on,
     *     patience 5, seed 42, BatchNorm momentum 0.01
     */
    public static TrainOptions defaults(String name) {
        return new TrainOptions(name, 112, 7, List.of(Task.values()), 30, 32, 1e-3, 0.05, 1, 5, 0, Map.of(), false,
                Augmenter.Options.DEFAULT, 5, 42, null, 0.01);
    }
}

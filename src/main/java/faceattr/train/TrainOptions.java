package faceattr.train;

import faceattr.labels.Task;
import faceattr.model.ModelConfig;
import faceattr.model.MobileNetV3Large;
import faceattr.model.TaskGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a training run is configured with (docs/training.md gives the defaults' reasons).
 * Immutable; build it with {@link #builder()}: {@code setName} is required, every {@code optX}
 * has a default. An option out of range is refused by {@link Builder#build()} with a message that
 * names it as {@code faceattr train} spells it, e.g. {@code --lr must be greater than 0, was -1}.
 */
public final class TrainOptions {
    private final String name;
    private final int inputSize;
    private final int branchPoint;
    private final List<Task> tasks;
    private final int epochs;
    private final int batch;
    private final double learningRate;
    private final double weightDecay;
    private final double warmupEpochs;
    private final double clipNorm;
    private final int epochSize;
    private final Map<String, Double> ratios;
    private final boolean classBalanced;
    private final Augmenter.Options augment;
    private final int patience;
    private final long seed;
    private final Path init;
    private final double bnMomentum;

    private TrainOptions(Builder b) {
        name = b.name;
        inputSize = b.inputSize;
        branchPoint = b.branchPoint;
        tasks = List.copyOf(b.tasks);
        epochs = b.epochs;
        batch = b.batch;
        learningRate = b.learningRate;
        weightDecay = b.weightDecay;
        warmupEpochs = b.warmupEpochs;
        clipNorm = b.clipNorm;
        epochSize = b.epochSize;
        ratios = Map.copyOf(b.ratios);
        classBalanced = b.classBalanced;
        augment = b.augment;
        patience = b.patience;
        seed = b.seed;
        init = b.init;
        bnMomentum = b.bnMomentum;
    }

    /** @return a builder with the defaults; its {@code setName} must be called */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param name the model's name
     * @return the defaults: 112 px, k = 7, all tasks, 30 epochs of batch 32, AdamW 1e-3 with
     *     weight decay 0.05, 1 warm-up epoch, clipping at 5, all samples per epoch, augmentation
     *     on, patience 5, seed 42, BatchNorm momentum 0.01
     */
    public static TrainOptions defaults(String name) {
        return builder().setName(name).build();
    }

    /** @return a builder holding these options, to change some of them */
    public Builder toBuilder() {
        return builder().setName(name).optInputSize(inputSize).optBranchPoint(branchPoint).optTasks(tasks)
                .optEpochs(epochs).optBatch(batch).optLearningRate(learningRate).optWeightDecay(weightDecay)
                .optWarmupEpochs(warmupEpochs).optClipNorm(clipNorm).optEpochSize(epochSize).optRatios(ratios)
                .optClassBalanced(classBalanced).optAugment(augment).optPatience(patience).optSeed(seed)
                .optInit(init).optBnMomentum(bnMomentum);
    }

    /** @return the model's name (written to its card) */
    public String name() {
        return name;
    }

    /** @return the crop side (112, 128, 160 or 224) */
    public int inputSize() {
        return inputSize;
    }

    /** @return backbone stages shared by all tasks (ModelConfig's k) */
    public int branchPoint() {
        return branchPoint;
    }

    /** @return the tasks trained; fewer tasks give single-task baselines with the same code */
    public List<Task> tasks() {
        return tasks;
    }

    /** @return epochs to train */
    public int epochs() {
        return epochs;
    }

    /** @return samples per step */
    public int batch() {
        return batch;
    }

    /** @return the peak learning rate of AdamW */
    public double learningRate() {
        return learningRate;
    }

    /** @return AdamW's decoupled weight decay */
    public double weightDecay() {
        return weightDecay;
    }

    /** @return epochs of linear warm-up at the start, then a cosine decay to 1 % of the peak */
    public double warmupEpochs() {
        return warmupEpochs;
    }

    /** @return the largest global gradient norm (gradients are scaled down to it), 0 for none */
    public double clipNorm() {
        return clipNorm;
    }

    /** @return samples per epoch, 0 for all training samples */
    public int epochSize() {
        return epochSize;
    }

    /** @return per dataset kind, its share of each epoch (missing: proportional to its size) */
    public Map<String, Double> ratios() {
        return ratios;
    }

    /** @return whether each dataset's samples are drawn inversely to their class frequency */
    public boolean classBalanced() {
        return classBalanced;
    }

    /** @return the augmentation strengths */
    public Augmenter.Options augment() {
        return augment;
    }

    /** @return stop when validation loss has not improved for this many epochs; 0 never */
    public int patience() {
        return patience;
    }

    /** @return the seed of data order, augmentation, initialisation and dropout */
    public long seed() {
        return seed;
    }

    /** @return a model folder to start from (fine-tuning), or null for random initialisation */
    public Path init() {
        return init;
    }

    /**
     * @return BatchNorm's running-statistics momentum (PyTorch convention; torchvision's 0.01 by
     *     default; short runs need about 0.1, see {@code MultiTaskNet.setBatchNormMomentum})
     */
    public double bnMomentum() {
        return bnMomentum;
    }

    /** The network these options train: the default grouping restricted to the tasks. */
    ModelConfig modelConfig() {
        List<TaskGroup> groups = new ArrayList<>();
        for (TaskGroup g : TaskGroup.eachOwnBranch()) {
            Set<Task> keep = new TreeSet<>(g.tasks());
            keep.retainAll(tasks);
            if (!keep.isEmpty()) {
                groups.add(new TaskGroup(g.name(), keep));
            }
        }
        return ModelConfig.builder().optInputSize(inputSize).optBranchPoint(branchPoint).optTaskGroups(groups)
                .build();
    }

    /** Builds {@link TrainOptions}: {@code setX} for the required name, {@code optX} for the rest. */
    public static final class Builder {
        private String name;
        private int inputSize = 112;
        private int branchPoint = 7;
        private List<Task> tasks = List.of(Task.values());
        private int epochs = 30;
        private int batch = 32;
        private double learningRate = 1e-3;
        private double weightDecay = 0.05;
        private double warmupEpochs = 1;
        private double clipNorm = 5;
        private int epochSize;
        private Map<String, Double> ratios = Map.of();
        private boolean classBalanced;
        private Augmenter.Options augment = Augmenter.Options.DEFAULT;
        private int patience = 5;
        private long seed = 42;
        private Path init;
        private double bnMomentum = 0.01;

        private Builder() {
        }

        /** Sets the model's name (written to its card); required. */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /** Sets the crop side, one of {@link ModelConfig#INPUT_SIZES} (default 112). */
        public Builder optInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** Sets the backbone stages shared by all tasks, 0 to {@link MobileNetV3Large#STAGES} (default 7). */
        public Builder optBranchPoint(int branchPoint) {
            this.branchPoint = branchPoint;
            return this;
        }

        /** Sets the tasks to train, at least one (default all). */
        public Builder optTasks(List<Task> tasks) {
            this.tasks = Objects.requireNonNull(tasks, "tasks");
            return this;
        }

        /** Sets the epochs to train, at least 1 (default 30). */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Sets the faces per step, at least 2 because BatchNorm needs two (default 32). */
        public Builder optBatch(int batch) {
            this.batch = batch;
            return this;
        }

        /** Sets the peak learning rate, greater than 0 (default 1e-3). */
        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Sets AdamW's decoupled weight decay, at least 0 (default 0.05). */
        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Sets the epochs of linear warm-up, at least 0 (default 1). */
        public Builder optWarmupEpochs(double warmupEpochs) {
            this.warmupEpochs = warmupEpochs;
            return this;
        }

        /** Sets the largest global gradient norm, at least 0; 0 for no clipping (default 5). */
        public Builder optClipNorm(double clipNorm) {
            this.clipNorm = clipNorm;
            return this;
        }

        /** Sets the samples per epoch, at least 0; 0 for all training samples (default). */
        public Builder optEpochSize(int epochSize) {
            this.epochSize = epochSize;
            return this;
        }

        /** Sets each dataset kind's share of each epoch, at least 0 (default: proportional to its size). */
        public Builder optRatios(Map<String, Double> ratios) {
            this.ratios = Objects.requireNonNull(ratios, "ratios");
            return this;
        }

        /** Sets whether each dataset's samples are drawn inversely to their class frequency (default false). */
        public Builder optClassBalanced(boolean classBalanced) {
            this.classBalanced = classBalanced;
            return this;
        }

        /** Sets the augmentation strengths (default {@link Augmenter.Options#DEFAULT}). */
        public Builder optAugment(Augmenter.Options augment) {
            this.augment = Objects.requireNonNull(augment, "augment");
            return this;
        }

        /** Sets the epochs without a better validation loss that stop the run, at least 0; 0 never (default 5). */
        public Builder optPatience(int patience) {
            this.patience = patience;
            return this;
        }

        /** Sets the seed of data order, augmentation, initialisation and dropout (default 42). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sets a model folder to fine-tune from, or null for random initialisation (default). */
        public Builder optInit(Path init) {
            this.init = init;
            return this;
        }

        /** Sets BatchNorm's running-statistics momentum, in (0, 1] (default 0.01). */
        public Builder optBnMomentum(double bnMomentum) {
            this.bnMomentum = bnMomentum;
            return this;
        }

        /**
         * @return the options
         * @throws IllegalArgumentException when the name is missing or an option is out of range;
         *     the message names the option ({@code --lr}), its range and the value given
         */
        public TrainOptions build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("--name must not be empty");
            }
            if (!ModelConfig.INPUT_SIZES.contains(inputSize)) {
                throw new IllegalArgumentException("--input must be one of " + ModelConfig.INPUT_SIZES + ", was "
                        + inputSize);
            }
            if (branchPoint < 0 || branchPoint > MobileNetV3Large.STAGES) {
                throw new IllegalArgumentException("--branch must be in [0, " + MobileNetV3Large.STAGES + "], was "
                        + branchPoint);
            }
            if (tasks.isEmpty()) {
                throw new IllegalArgumentException("--tasks must name at least one task");
            }
            checkAtLeast("--epochs", epochs, 1);
            if (batch < 2) {
                throw new IllegalArgumentException("--batch must be at least 2 (BatchNorm needs two faces), was "
                        + batch);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("--lr must be greater than 0, was " + number(learningRate));
            }
            checkAtLeast("the weight decay", weightDecay, 0);
            checkAtLeast("the warm-up epochs", warmupEpochs, 0);
            checkAtLeast("the gradient clipping norm", clipNorm, 0);
            checkAtLeast("--epoch-size", epochSize, 0);
            ratios.forEach((kind, w) -> checkAtLeast("--ratio " + kind, w, 0));
            checkAtLeast("--patience", patience, 0);
            if (!(bnMomentum > 0 && bnMomentum <= 1)) {
                throw new IllegalArgumentException("--bn-momentum must be in (0, 1], was " + number(bnMomentum));
            }
            return new TrainOptions(this);
        }

        private static void checkAtLeast(String option, double value, double min) {
            if (!(value >= min)) {
                throw new IllegalArgumentException(option + " must be at least " + number(min) + ", was "
                        + number(value));
            }
        }

        /** 3 rather than 3.0: the value as the user typed it, most likely. */
        private static String number(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }
}

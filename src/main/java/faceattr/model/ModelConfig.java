package faceattr.model;

import faceattr.labels.Task;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The shape of a {@link MultiTaskNet}. Immutable; build it with {@link #builder()} and
 * {@code optX} setters. Defaults and the reasons for them are in docs/model.md.
 *
 * @param inputSize side of the square, aligned face crop in pixels: 112, 128, 160 or 224
 * @param branchPoint number of backbone stages shared by all tasks, 0 (none: one whole backbone
 *     per task group) to {@link MobileNetV3Large#STAGES} (the whole backbone shared); see
 *     {@link MobileNetV3Large} for the stages
 * @param taskGroups the branches after the branch point, each with the tasks it serves; every
 *     task at most once
 * @param dModel width of the attention tokens
 * @param heads attention heads; must divide {@code dModel}
 * @param attentionLayers transformer encoder layers per branch (0 = projection and pooling only)
 * @param mlpRatio hidden width of the encoder MLP as a multiple of {@code dModel}
 * @param pooling how the tokens become one vector per face
 * @param dropout dropout rate in the encoder and before the heads, in [0, 1)
 * @param ageBins number of one-year age bins, ages 0 .. ageBins - 1
 */
public record ModelConfig(int inputSize, int branchPoint, List<TaskGroup> taskGroups, int dModel, int heads,
        int attentionLayers, int mlpRatio, Pooling pooling, float dropout, int ageBins) {

    /** Input sizes the network is built and tested for. */
    public static final List<Integer> INPUT_SIZES = List.of(112, 128, 160, 224);

    /** The default configuration: see the {@link Builder} defaults. */
    public static final ModelConfig DEFAULT = builder().build();

    /** How the encoder's tokens are reduced to one vector per face. */
    public enum Pooling {
        /** A learned class token prepended to the image tokens; its final state is the summary. */
        CLS,
        /** The mean of the image tokens' final states. */
        MEAN
    }

    /** Validates every field; the messages name the field, the value and what is allowed. */
    public ModelConfig {
        if (!INPUT_SIZES.contains(inputSize)) {
            throw new IllegalArgumentException("input size must be one of " + INPUT_SIZES + ", got " + inputSize);
        }
        if (branchPoint < 0 || branchPoint > MobileNetV3Large.STAGES) {
            throw new IllegalArgumentException("branch point must be 0 (nothing shared) to " + MobileNetV3Large.STAGES
                    + " (whole backbone shared), got " + branchPoint);
        }
        if (taskGroups == null || taskGroups.isEmpty()) {
            throw new IllegalArgumentException("at least one task group is needed");
        }
        Set<Task> seen = EnumSet.noneOf(Task.class);
        List<String> names = new ArrayList<>();
        for (TaskGroup g : taskGroups) {
            if (names.contains(g.name())) {
                throw new IllegalArgumentException("task group name '" + g.name() + "' is used twice");
            }
            names.add(g.name());
            for (Task t : g.tasks()) {
                if (!seen.add(t)) {
                    throw new IllegalArgumentException("task " + t.key() + " is in more than one task group");
                }
            }
        }
        taskGroups = List.copyOf(taskGroups);
        if (heads < 1) {
            throw new IllegalArgumentException("attention heads must be >= 1, got " + heads);
        }
        if (dModel < 1 || dModel % heads != 0) {
            throw new IllegalArgumentException("d_model must be a positive multiple of the heads (" + heads + "), got "
                    + dModel);
        }
        if (attentionLayers < 0) {
            throw new IllegalArgumentException("attention layers must be >= 0, got " + attentionLayers);
        }
        if (mlpRatio < 1) {
            throw new IllegalArgumentException("MLP ratio must be >= 1, got " + mlpRatio);
        }
        if (pooling == null) {
            throw new IllegalArgumentException("pooling must be CLS or MEAN, got null");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (ageBins < 2) {
            throw new IllegalArgumentException("age bins must be >= 2, got " + ageBins);
        }
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration's values */
    public Builder toBuilder() {
        return new Builder().optInputSize(inputSize).optBranchPoint(branchPoint).optTaskGroups(taskGroups)
                .optDModel(dModel).optHeads(heads).optAttentionLayers(attentionLayers).optMlpRatio(mlpRatio)
                .optPooling(pooling).optDropout(dropout).optAgeBins(ageBins);
    }

    /** @return every task of every group, in {@link Task} order: the order of the net's outputs */
    public List<Task> tasks() {
        Set<Task> all = EnumSet.noneOf(Task.class);
        taskGroups.forEach(g -> all.addAll(g.tasks()));
        return List.copyOf(all);
    }

    /**
     * @param task a task
     * @return the index of the group serving it, or -1 when the configuration lacks the task
     */
    public int groupOf(Task task) {
        for (int i = 0; i < taskGroups.size(); i++) {
            if (taskGroups.get(i).tasks().contains(task)) {
                return i;
            }
        }
        return -1;
    }

    /** @return the side of the backbone's output feature map (input / 32, rounded up) */
    public int gridSize() {
        return MobileNetV3Large.outputSide(inputSize);
    }

    /** @return the number of image tokens, {@code gridSize()²} */
    public int imageTokens() {
        return gridSize() * gridSize();
    }

    /** @return a one-line summary for logs and model cards */
    public String summary() {
        StringBuilder g = new StringBuilder();
        for (TaskGroup t : taskGroups) {
            g.append(g.length() == 0 ? "" : ",").append(t.spec());
        }
        return "input=" + inputSize + " branch=" + branchPoint + "/" + MobileNetV3Large.STAGES + " groups=" + g
                + " d_model=" + dModel + " heads=" + heads + " layers=" + attentionLayers + " mlp=" + mlpRatio
                + " pooling=" + pooling.name().toLowerCase(java.util.Locale.ROOT) + " dropout=" + dropout
                + " age_bins=" + ageBins;
    }

    /** Builds a {@link ModelConfig}; every setter is optional. */
    public static final class Builder {
        private int inputSize = 112;
        private int branchPoint = MobileNetV3Large.STAGES;
        private List<TaskGroup> taskGroups = TaskGroup.eachOwnBranch();
        private int dModel = 256;
        private int heads = 4;
        private int attentionLayers = 1;
        private int mlpRatio = 2;
        private Pooling pooling = Pooling.CLS;
        private float dropout = 0.1f;
        private int ageBins = 101;

        private Builder() {
        }

        /** @param v input side, 112 (default), 128, 160 or 224 @return this */
        public Builder optInputSize(int v) {
            inputSize = v;
            return this;
        }

        /** @param v shared backbone stages, 0 .. 7 (default 7, all shared) @return this */
        public Builder optBranchPoint(int v) {
            branchPoint = v;
            return this;
        }

        /** @param v the branches (default {@link TaskGroup#eachOwnBranch()}) @return this */
        public Builder optTaskGroups(List<TaskGroup> v) {
            taskGroups = v;
            return this;
        }

        /** @param spec branches as in {@link TaskGroup#parse} @return this */
        public Builder optTaskGroups(String spec) {
            taskGroups = TaskGroup.parse(spec);
            return this;
        }

        /** @param v token width (default 256) @return this */
        public Builder optDModel(int v) {
            dModel = v;
            return this;
        }

        /** @param v attention heads (default 4) @return this */
        public Builder optHeads(int v) {
            heads = v;
            return this;
        }

        /** @param v encoder layers per branch (default 1) @return this */
        public Builder optAttentionLayers(int v) {
            attentionLayers = v;
            return this;
        }

        /** @param v MLP hidden width / d_model (default 2) @return this */
        public Builder optMlpRatio(int v) {
            mlpRatio = v;
            return this;
        }

        /** @param v token pooling (default CLS) @return this */
        public Builder optPooling(Pooling v) {
            pooling = v;
            return this;
        }

        /** @param v dropout rate (default 0.1) @return this */
        public Builder optDropout(float v) {
            dropout = v;
            return this;
        }

        /** @param v age bins (default 101: ages 0 .. 100) @return this */
        public Builder optAgeBins(int v) {
            ageBins = v;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException when a value is out of range
         */
        public ModelConfig build() {
            return new ModelConfig(inputSize, branchPoint, taskGroups, dModel, heads, attentionLayers, mlpRatio,
                    pooling, dropout, ageBins);
        }
    }
}

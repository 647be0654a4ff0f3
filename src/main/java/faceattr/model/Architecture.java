package faceattr.model;

import faceattr.labels.Task;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parameters and multiply-accumulates of a {@link MultiTaskNet}, computed analytically from the
 * layer shapes: per part (shared backbone, one branch's backbone copy, one branch's attention,
 * heads), in total, for every branch point, and against four single-task networks of the same
 * design. {@code ArchitectureTest} checks the parameter counts against DJL's.
 *
 * <p>Counting rules: parameters are the trainable ones (BatchNorm running statistics are listed
 * apart as buffers). MACs count convolutions, linear layers and the two attention matrix
 * products (QK^T and AV); BatchNorm (foldable into the convolutions), activations, pooling,
 * softmax, LayerNorm and residual additions are not counted. This is the convention of
 * torchvision's "217M MACs" for MobileNetV3-Large, whose classifier we do not have.
 */
public final class Architecture {
    private Architecture() {
    }

    /**
     * A size and a cost.
     *
     * @param params trainable parameters
     * @param macs multiply-accumulates per face
     * @param buffers non-trainable BatchNorm running statistics
     */
    public record Cost(long params, long macs, long buffers) {
        /** Nothing. */
        public static final Cost ZERO = new Cost(0, 0, 0);

        /** @param o another cost @return the sum */
        public Cost plus(Cost o) {
            return new Cost(params + o.params, macs + o.macs, buffers + o.buffers);
        }

        /** @param n a count @return this cost n times */
        public Cost times(int n) {
            return new Cost(params * n, macs * n, buffers * n);
        }
    }

    /**
     * The parts of one configuration.
     *
     * @param config the configuration
     * @param shared backbone stages 0 .. k-1 (zero when k = 0)
     * @param branch one group's copy of stages k .. 6 (zero when k = 7)
     * @param attention one group's token attention
     * @param heads each task's head
     */
    public record Breakdown(ModelConfig config, Cost shared, Cost branch, Cost attention, Map<Task, Cost> heads) {
        /** @return all heads together */
        public Cost allHeads() {
            Cost c = Cost.ZERO;
            for (Cost h : heads.values()) {
                c = c.plus(h);
            }
            return c;
        }

        /** @return the whole network */
        public Cost total() {
            int g = config.taskGroups().size();
            return shared.plus(branch.times(g)).plus(attention.times(g)).plus(allHeads());
        }
    }

    /**
     * @param c a configuration
     * @return its parts
     */
    public static Breakdown of(ModelConfig c) {
        int k = c.branchPoint();
        Cost shared = k == 0 ? Cost.ZERO : backbone(0, k, c.inputSize());
        Cost branch = k == MobileNetV3Large.STAGES ? Cost.ZERO : backbone(k, MobileNetV3Large.STAGES, c.inputSize());
        Map<Task, Cost> heads = new EnumMap<>(Task.class);
        for (Task t : c.tasks()) {
            int classes = t.classes(c.ageBins());
            heads.put(t, new Cost((long) c.dModel() * classes + classes, (long) c.dModel() * classes, 0));
        }
        return new Breakdown(c, shared, branch, attention(c), heads);
    }

    /**
     * Backbone stages {@code from .. to-1} for a square input of side {@code inputSize}.
     *
     * @param from first stage
     * @param to one past the last stage
     * @param inputSize the network's input side (the stages' own input side follows from it)
     * @return their cost per face
     */
    public static Cost backbone(int from, int to, int inputSize) {
        Cost c = Cost.ZERO;
        int side = inputSize;
        for (MobileNetV3Large.Layer l : MobileNetV3Large.layers()) {
            int out = MobileNetV3Large.convSide(side, l.kernel(), l.stride());
            if (l.stage() >= from && l.stage() < to) {
                c = c.plus(layer(l, side, out));
            }
            side = out;
        }
        return c;
    }

    private static Cost layer(MobileNetV3Large.Layer l, int inSide, int outSide) {
        long hwIn = (long) inSide * inSide;
        long hwOut = (long) outSide * outSide;
        int k2 = l.kernel() * l.kernel();
        if (!l.bneck()) {
            long w = (long) l.out() * l.in() * k2;
            return new Cost(w + 2L * l.out(), w * hwOut, 2L * l.out());
        }
        long params = 0;
        long macs = 0;
        long buffers = 0;
        int e = l.expanded();
        if (e != l.in()) {
            params += (long) l.in() * e + 2L * e;
            macs += (long) l.in() * e * hwIn;
            buffers += 2L * e;
        }
        params += (long) e * k2 + 2L * e;
        macs += (long) e * k2 * hwOut;
        buffers += 2L * e;
        if (l.se()) {
            int s = l.squeeze();
            params += (long) e * s + s + (long) s * e + e;
            macs += 2L * e * s;
        }
        params += (long) e * l.out() + 2L * l.out();
        macs += (long) e * l.out() * hwOut;
        buffers += 2L * l.out();
        return new Cost(params, macs, buffers);
    }

    /**
     * One group's token attention: projection, positions (and class token), encoder layers,
     * final LayerNorm.
     *
     * @param c a configuration
     * @return its cost per face
     */
    public static Cost attention(ModelConfig c) {
        long d = c.dModel();
        long t = c.imageTokens();
        long tt = t + (c.pooling() == ModelConfig.Pooling.CLS ? 1 : 0);
        long hidden = c.mlpRatio() * d;
        long c0 = MobileNetV3Large.OUT_CHANNELS;
        long params = c0 * d + d + tt * d + (tt - t) * d + 2 * d;
        long macs = t * c0 * d;
        for (int i = 0; i < c.attentionLayers(); i++) {
            params += 2 * d + 3 * d * d + 3 * d + d * d + d + 2 * d + d * hidden + hidden + hidden * d + d;
            macs += tt * 3 * d * d + 2 * tt * tt * d + tt * d * d + 2 * tt * d * hidden;
        }
        return new Cost(params, macs, 0);
    }

    /**
     * The four single-task networks of the same design (each a full backbone, one attention and
     * its heads): AGE with its age-group head, GENDER, RACE, EMOTION, restricted to the tasks of
     * {@code c}.
     *
     * @param c a configuration (its input size, attention and age bins are used)
     * @return their summed cost
     */
    public static Cost singleTaskSum(ModelConfig c) {
        Cost sum = Cost.ZERO;
        for (TaskGroup g : TaskGroup.eachOwnBranch()) {
            java.util.Set<Task> tasks = java.util.EnumSet.noneOf(Task.class);
            tasks.addAll(g.tasks());
            tasks.retainAll(c.tasks());
            if (tasks.isEmpty()) {
                continue;
            }
            ModelConfig single = c.toBuilder().optBranchPoint(MobileNetV3Large.STAGES)
                    .optTaskGroups(List.of(new TaskGroup(g.name(), tasks))).build();
            sum = sum.plus(of(single).total());
        }
        return sum;
    }

    /**
     * A Markdown table over every branch point for the default configuration at this input size.
     *
     * @param inputSize 112, 128, 160 or 224
     * @return the table
     */
    public static String table(int inputSize) {
        return table(ModelConfig.builder().optInputSize(inputSize).build());
    }

    /**
     * A Markdown table over every branch point, the other settings taken from {@code c}.
     *
     * @param c a configuration
     * @return the table
     */
    public static String table(ModelConfig c) {
        StringBuilder sb = new StringBuilder();
        Cost single = singleTaskSum(c);
        int g = c.taskGroups().size();
        sb.append(String.format(Locale.ROOT, "Input %d, %d task groups, d_model %d, %d layer(s), %d heads. "
                + "Params in millions (trainable), MACs in millions per face.%n%n", c.inputSize(), g, c.dModel(),
                c.attentionLayers(), c.heads()));
        sb.append("| k | shared stages | shared backbone | branch backbone (each) | attention (each) | heads "
                + "| total params | total MMACs | params vs 4 single-task | MACs vs 4 single-task |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (int k = 0; k <= MobileNetV3Large.STAGES; k++) {
            Breakdown b = of(c.toBuilder().optBranchPoint(k).build());
            Cost t = b.total();
            sb.append(String.format(Locale.ROOT, "| %d%s | %s | %s | %s | %s | %s | %s | %.1f | %s | %s |%n", k,
                    k == c.branchPoint() ? " *" : "", stageRange(k), m(b.shared().params()),
                    m(b.branch().params()), m(b.attention().params()), m(b.allHeads().params()), m(t.params()),
                    t.macs() / 1e6, pct(t.params(), single.params()), pct(t.macs(), single.macs())));
        }
        sb.append(String.format(Locale.ROOT, "%n4 single-task networks (AGE with its age-group head, GENDER, RACE, "
                + "EMOTION; each a full backbone + attention + heads): %s params, %.1f MMACs per face. "
                + "* = the configuration's branch point.%n", m(single.params()), single.macs() / 1e6));
        return sb.toString();
    }

    /**
     * The text of {@code faceattr info --architecture}: the parts of one configuration, then the
     * table over all branch points.
     *
     * @param branchPoint the branch point, or null for the default
     * @param inputSize the input side
     * @return Markdown text
     */
    public static String info(Integer branchPoint, int inputSize) {
        ModelConfig.Builder b = ModelConfig.builder().optInputSize(inputSize);
        if (branchPoint != null) {
            b.optBranchPoint(branchPoint);
        }
        return report(b.build());
    }

    /**
     * The parts of one configuration and the table over all branch points.
     *
     * @param c a configuration
     * @return Markdown text
     */
    public static String report(ModelConfig c) {
        Breakdown b = of(c);
        int g = c.taskGroups().size();
        Cost t = b.total();
        Cost single = singleTaskSum(c);
        StringBuilder sb = new StringBuilder();
        sb.append("Configuration: ").append(c.summary()).append("\n\n");
        sb.append("| part | count | params each | MMACs each | params total | MMACs total |\n");
        sb.append("|---|---|---|---|---|---|\n");
        row(sb, "shared backbone, stages " + stageRange(c.branchPoint()), 1, b.shared());
        row(sb, "branch backbone, stages " + branchRange(c.branchPoint()), g, b.branch());
        row(sb, "token attention", g, b.attention());
        for (Map.Entry<Task, Cost> h : b.heads().entrySet()) {
            row(sb, "head " + h.getKey().key(), 1, h.getValue());
        }
        sb.append(String.format(Locale.ROOT, "| **total** | | | | **%s** | **%.1f** |%n", m(t.params()),
                t.macs() / 1e6));
        sb.append(String.format(Locale.ROOT, "%nBatchNorm running statistics (not trained): %,d. "
                + "4 single-task networks: %s params, %.1f MMACs; this network: %s params, %s MACs.%n%n",
                t.buffers(), m(single.params()), single.macs() / 1e6, pct(t.params(), single.params()),
                pct(t.macs(), single.macs())));
        sb.append(table(c));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String part, int n, Cost c) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %,d | %.2f | %,d | %.2f |%n", part, n, c.params(),
                c.macs() / 1e6, c.params() * n, c.macs() * n / 1e6));
    }

    private static String stageRange(int k) {
        return k == 0 ? "none" : k == 1 ? "0" : "0-" + (k - 1);
    }

    private static String branchRange(int k) {
        return k == MobileNetV3Large.STAGES ? "none" : k == MobileNetV3Large.STAGES - 1 ? "6" : k + "-6";
    }

    private static String m(long params) {
        return String.format(Locale.ROOT, "%.3fM", params / 1e6);
    }

    private static String pct(long value, long reference) {
        return String.format(Locale.ROOT, "%+.1f%%", 100.0 * (value - reference) / reference);
    }
}

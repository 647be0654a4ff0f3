package faceattr.model;

import faceattr.engine.Autograd;
import faceattr.labels.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Output shapes, parameter counts against {@link Architecture}, and the two forward paths. */
class MultiTaskNetTest {
    private static NDManager manager;

    @BeforeAll
    static void open() throws FaceAttrException {
        Models.singleThread();
        manager = Engines.newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        Models.restoreThreads();
    }

    private static MultiTaskNet build(ModelConfig c) {
        MultiTaskNet net = new MultiTaskNet(c);
        net.initialize(manager);
        return net;
    }

    private static NDList infer(MultiTaskNet net, NDArray x) {
        try (Autograd.Scope s = Autograd.disable()) {
            return net.forward(new ParameterStore(x.getManager(), false), new NDList(x), false);
        }
    }

    @Test
    void outputShapesForSeveralBranchings() {
        List<ModelConfig> configs = List.of(ModelConfig.DEFAULT,
                ModelConfig.builder().optBranchPoint(0).build(),
                ModelConfig.builder().optBranchPoint(4).optTaskGroups("age+age_group+gender,race+emotion").build(),
                ModelConfig.builder().optBranchPoint(5).optTaskGroups("emotion").optPooling(ModelConfig.Pooling.MEAN)
                        .optAttentionLayers(2).optInputSize(128).build(),
                ModelConfig.builder().optBranchPoint(6).optTaskGroups("age,gender").optAttentionLayers(0)
                        .optAgeBins(117).optInputSize(160).build());
        for (ModelConfig c : configs) {
            MultiTaskNet net = build(c);
            try (NDManager sub = manager.newSubManager()) {
                NDList out = infer(net, sub.randomNormal(net.inputShape(3)));
                assertEquals(c.tasks().size(), out.size(), c.summary());
                for (int i = 0; i < out.size(); i++) {
                    Task t = c.tasks().get(i);
                    assertEquals(new Shape(3, t.classes(c.ageBins())), out.get(i).getShape(), t + " of " + c.summary());
                    assertTrue(Float.isFinite(out.get(i).sum().getFloat()));
                }
                assertEquals(List.of(net.getOutputShapes(new Shape[] {net.inputShape(3)})),
                        out.stream().map(NDArray::getShape).toList());
            }
        }
    }

    @Test
    void analyticParameterCountsEqualDjls() {
        List<ModelConfig> configs = List.of(ModelConfig.DEFAULT,
                ModelConfig.builder().optBranchPoint(0).optInputSize(224).build(),
                ModelConfig.builder().optBranchPoint(3).optTaskGroups("age+gender,race,emotion").optDModel(128)
                        .optHeads(8).optAttentionLayers(2).optMlpRatio(4).build(),
                ModelConfig.builder().optBranchPoint(6).optPooling(ModelConfig.Pooling.MEAN).optInputSize(160).build(),
                ModelConfig.builder().optBranchPoint(1).optTaskGroups("race").optAttentionLayers(0).build());
        for (ModelConfig c : configs) {
            long[] djl = Models.count(build(c));
            Architecture.Cost a = Architecture.of(c).total();
            assertEquals(a.params(), djl[0], "trainable parameters of " + c.summary());
            assertEquals(a.buffers(), djl[1], "BatchNorm statistics of " + c.summary());
        }
    }

    @Test
    void torchvisionKeysMapToSharedOrPerBranchCopies() {
        MultiTaskNet net = build(ModelConfig.builder().optBranchPoint(5).build());
        Map<String, List<Parameter>> keys = net.torchvisionParameters();
        assertEquals(1, keys.get("features.0.0.weight").size());
        assertEquals(1, keys.get("features.12.block.3.1.running_var").size());
        assertEquals(4, keys.get("features.13.block.0.0.weight").size());
        assertEquals(4, keys.get("features.16.1.weight").size());
        assertEquals(MobileNetV3Large.full().getParameters().size(), keys.size());
    }

    /**
     * The in-place path (grad mode off) and the graph-safe path (grad mode on) compute the same
     * function.
     */
    @Test
    void recordingAndFrozenInferenceAgree() {
        MultiTaskNet net = build(ModelConfig.builder().optBranchPoint(6).build());
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.randomNormal(net.inputShape(2));
            NDList fast = infer(net, x);
            NDList graph;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                assertTrue(Autograd.isRecording());
                graph = net.forward(new ParameterStore(sub, false), new NDList(x), false);
            }
            for (int i = 0; i < fast.size(); i++) {
                float d = fast.get(i).sub(graph.get(i)).abs().max().getFloat();
                assertTrue(d < 1e-4f, "output " + i + " differs by " + d);
            }
        }
    }

    /**
     * Folding BatchNorm into the convolutions changes nothing but speed, with non-trivial
     * statistics and affine parameters; preparing for training makes every parameter trainable
     * again.
     */
    @Test
    void foldedBatchNormGivesTheSameOutputs() {
        MultiTaskNet net = build(ModelConfig.builder().optBranchPoint(5).optTaskGroups("age,emotion").build());
        for (ai.djl.util.Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            String k = p.getKey();
            if (k.endsWith("_gamma") || k.endsWith("_runningVar")) {
                a.set(manager.randomUniform(0.5f, 2f, a.getShape()).toFloatArray());
            } else if (k.endsWith("_beta") || k.endsWith("_runningMean")) {
                a.set(manager.randomNormal(0f, 0.5f, a.getShape(), a.getDataType()).toFloatArray());
            }
        }
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.randomNormal(net.inputShape(2));
            net.freezeParameters(true);
            NDList plain = infer(net, x);
            net.prepareForInference();
            NDList folded = infer(net, x);
            for (int i = 0; i < plain.size(); i++) {
                float scale = plain.get(i).abs().max().getFloat();
                float d = plain.get(i).sub(folded.get(i)).abs().max().getFloat();
                assertTrue(d <= 1e-4f * Math.max(1f, scale), "output " + i + " differs by " + d + " (scale " + scale + ")");
            }
            // the folded copy is what runs: changing a statistic in place does not reach it
            // (which is why prepareForInference must follow any change of the weights)
            NDArray stat = net.getParameters().values().stream()
                    .filter(p -> p.getType() == Parameter.Type.RUNNING_MEAN).findFirst().get().getArray();
            float[] original = stat.toFloatArray();
            stat.addi(10f);
            NDList stale = infer(net, x);
            float staleDiff = folded.get(0).sub(stale.get(0)).abs().max().getFloat();
            assertEquals(0f, staleDiff, "the folded copy must be what runs");
            stat.set(original); // exactly: x + 10 - 10 is not always x in floating point
            net.prepareForTraining();
            assertTrue(net.getParameters().values().stream()
                    .filter(p -> p.getType() != Parameter.Type.RUNNING_MEAN && p.getType() != Parameter.Type.RUNNING_VAR)
                    .allMatch(Parameter::requiresGradient), "every parameter but the statistics is trainable again");
            NDList again = infer(net, x);
            float againDiff = plain.get(0).sub(again.get(0)).abs().max().getFloat();
            assertTrue(againDiff <= 1e-5f, "unfolded again differs by " + againDiff);
        }
    }

    /** Inference leaves nothing in the parameters' manager: every temporary lives in the batch's. */
    @Test
    void inferenceAllocatesOnlyInTheBatchManager() {
        MultiTaskNet net = build(ModelConfig.DEFAULT);
        for (int prepared = 0; prepared < 2; prepared++) {
            if (prepared == 1) {
                net.prepareForInference(); // folded convolutions and 1x1 matrix products
            }
            int before = manager.getManagedArrays().size();
            try (NDManager sub = manager.newSubManager()) {
                infer(net, sub.randomNormal(net.inputShape(2)));
            }
            assertEquals(before, manager.getManagedArrays().size(), prepared == 1 ? "prepared" : "plain");
        }
    }
}

package faceattr.model;

import faceattr.engine.Scalars;
import faceattr.labels.Task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training from random initialisation stays finite (docs/model.md, "NaN gradients").
 *
 * <p>The NaNs came from DJL's {@code NDArray.mul(Number)}: autograd keeps the scalar operand,
 * whose memory is a Java direct buffer that DJL releases at once, so after a garbage collection
 * the backward pass reads whatever reuses that memory. How soon that happens depends on the GC,
 * hence "after 3 to 13 steps". {@link #collectAndReuseFreedMemory()} forces it between every
 * forward and backward pass, which turns the intermittent failure into a certain one: with the
 * old formulation these tests fail at the first step.
 */
class TrainingStabilityTest {
    private static final List<ByteBuffer> FILLER = new ArrayList<>();

    @BeforeAll
    static void oneThread() throws FaceAttrException {
        Models.singleThread();
    }

    @AfterAll
    static void restore() {
        Models.restoreThreads();
    }

    /**
     * Runs the garbage collector so that unreachable direct buffers are freed, then allocates
     * small direct buffers holding 1e30 so that freed memory is reused with a conspicuous value.
     * The JVM frees direct buffers on its Cleaner thread, and malloc keeps a few freed blocks per
     * thread for that thread's own reuse; the filler of the previous call, freed here, fills that
     * cache so that later frees go where this thread's allocations find them. Call it once before
     * the forward pass to prime it.
     */
    static void collectAndReuseFreedMemory() {
        FILLER.clear();
        for (int i = 0; i < 2; i++) {
            System.gc();
            try {
                Thread.sleep(10); // the Cleaner thread frees the memory after the collection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = 0; i < 1000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, 1e30f);
            FILLER.add(b);
        }
    }

    /** hardswish'(x) = 0 below -3, (2x + 3) / 6 between, 1 above; hardsigmoid'(x) = 1/6 between. */
    @Test
    void activationGradientsAreExactAfterGarbageCollection() throws FaceAttrException {
        float[] xs = {-5f, -3.5f, -2f, -0.5f, 0.25f, 1f, 2.5f, 4f};
        try (NDManager m = Engines.newManager()) {
            for (boolean swish : new boolean[] {true, false}) {
                NDArray x = m.create(xs);
                x.setRequiresGradient(true);
                collectAndReuseFreedMemory();
                try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                    NDArray y = swish ? Activations.hardswish(x) : Activations.hardsigmoid(x);
                    collectAndReuseFreedMemory();
                    gc.backward(y.sum());
                }
                float[] expected = new float[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    boolean inside = xs[i] > -3 && xs[i] < 3;
                    expected[i] = swish ? (inside ? (2 * xs[i] + 3) / 6 : xs[i] >= 3 ? 1 : 0) : inside ? 1f / 6 : 0;
                }
                assertArrayEquals(expected, x.getGradient().toFloatArray(), 1e-6f, swish ? "hardswish" : "hardsigmoid");
            }
        }
    }

    /** The scalar product used by hardsigmoid and by attention's query scaling. */
    @Test
    void scalarProductGradientIsExactAfterGarbageCollection() throws FaceAttrException {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {1f, -2f, 3f});
            x.setRequiresGradient(true);
            collectAndReuseFreedMemory();
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDArray y = Scalars.mul(x, 0.125f);
                collectAndReuseFreedMemory();
                gc.backward(y.sum());
            }
            assertArrayEquals(new float[] {0.125f, 0.125f, 0.125f}, x.getGradient().toFloatArray(), 0f);
        }
    }

    /**
     * The whole multi-task network at 112 from random initialisation, Adam at 1e-3, 30 steps on
     * random faces and labels (batch 4), the memory churned before every backward pass: every
     * loss and every gradient stays finite.
     */
    @Test
    void trainsThirtyStepsWithFiniteLossAndGradients() throws FaceAttrException {
        Engine engine = Engines.engine();
        engine.setRandomSeed(3);
        ModelConfig config = ModelConfig.DEFAULT;
        int batch = 4;
        try (NDManager m = Engines.newManager()) {
            MultiTaskNet net = new MultiTaskNet(config);
            net.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            Loss ce = Loss.softmaxCrossEntropyLoss();
            List<Task> tasks = config.tasks();
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 30; step++) {
                try (NDManager sub = m.newSubManager()) {
                    NDArray x = sub.randomNormal(net.inputShape(batch));
                    float lossValue;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDList logits = net.forward(ps, new NDList(x), true);
                        NDArray loss = null;
                        for (int t = 0; t < tasks.size(); t++) {
                            int classes = tasks.get(t).classes(config.ageBins());
                            NDArray labels = sub.randomInteger(0, classes, new Shape(batch), DataType.INT32);
                            NDArray l = ce.evaluate(new NDList(labels), new NDList(logits.get(t)));
                            loss = loss == null ? l : loss.add(l);
                        }
                        lossValue = loss.getFloat();
                        assertTrue(Float.isFinite(lossValue), "loss at step " + step + " is " + lossValue);
                        collectAndReuseFreedMemory();
                        gc.backward(loss);
                    }
                    first = step == 0 ? lossValue : first;
                    last = lossValue;
                    // NaN and infinity survive a sum: one sum per gradient, one read per step
                    List<String> names = new ArrayList<>();
                    NDList sums = new NDList();
                    for (Pair<String, Parameter> p : net.getParameters()) {
                        boolean trained = p.getValue().requiresGradient();
                        NDArray v = trained ? p.getValue().getArray().getGradient() : p.getValue().getArray();
                        NDArray abs = v.abs();
                        NDArray sum = abs.sum();
                        abs.close();
                        if (trained) {
                            v.close(); // our handle on the gradient, not the gradient itself
                        }
                        sum.attach(sub);
                        sums.add(sum);
                        names.add((trained ? "gradient of " : "") + p.getKey());
                    }
                    float[] s = NDArrays.stack(sums).toFloatArray();
                    for (int i = 0; i < s.length; i++) {
                        assertTrue(Float.isFinite(s[i]), names.get(i) + " at step " + step + " sums to " + s[i]);
                    }
                    for (Pair<String, Parameter> p : net.getParameters()) {
                        Parameter par = p.getValue();
                        if (par.requiresGradient()) {
                            try (NDArray g = par.getArray().getGradient()) {
                                adam.update(par.getId(), par.getArray(), g);
                            }
                        }
                    }
                }
            }
            assertFalse(Float.isNaN(first - last));
        }
    }

    /** Sanity for the helper: the network has trainable parameters in every part. */
    @Test
    void everyPartIsTrainable() {
        MultiTaskNet net = new MultiTaskNet(ModelConfig.builder().optBranchPoint(5).build());
        long parts = net.getChildren().stream().map(Pair::getValue).map(Block::getParameters)
                .filter(p -> !p.isEmpty()).count();
        assertEquals(1 + 4 + 4 + 5, parts);
    }
}

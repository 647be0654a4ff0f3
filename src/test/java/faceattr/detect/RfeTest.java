package faceattr.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The receptive-field enhancement block: an exact identity when freshly added (so the pretrained
 * cascade is unchanged), yet trainable: gradients reach the projection at once and the branches
 * after one step.
 */
class RfeTest {
    private static RfemtcDetector detector;

    @BeforeAll
    static void open() throws FaceAttrException {
        detector = RfemtcDetector.create(DetectorSettings.DEFAULT);
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    private static float[] faceBatch(int size) throws FaceAttrException {
        int plane = 3 * size * size;
        float[] x = new float[3 * plane];
        System.arraycopy(TestInputs.noise(7 + size, 2 * plane), 0, x, 0, 2 * plane);
        System.arraycopy(TestInputs.crop(TestInputs.astronaut(), 170, 75, 110, 110, size, size), 0, x, 2 * plane,
                plane);
        return x;
    }

    private static boolean allZero(float[] v) {
        for (float f : v) {
            if (f != 0) {
                return false;
            }
        }
        return true;
    }

    private static List<List<Parameter>> branchParameters(RfbBlock rfb) {
        List<List<Parameter>> out = new ArrayList<>();
        for (Pair<String, Block> child : rfb.getChildren()) {
            if (child.getKey().contains("branch")) {
                out.add(new ArrayList<>(child.getValue().getParameters().values()));
            }
        }
        return out;
    }

    private void assertIdentical(CascadeNet.Stage stage, String file, float[] input, Shape shape)
            throws FaceAttrException {
        try (NDManager m = Engines.newManager()) {
            CascadeNet plain = RfemtcDetector.load(m, stage, file, false);
            CascadeNet enhanced = RfemtcDetector.load(m, stage, file, true);
            assertNull(plain.rfb());
            RfbBlock rfb = enhanced.rfb();
            assertNotNull(rfb, stage + " with rfe=true has no RFE block");
            NDList before = detector.run(plain, m.create(FloatBuffer.wrap(input), shape));
            NDList after = detector.run(enhanced, m.create(FloatBuffer.wrap(input), shape));
            assertEquals(before.size(), after.size());
            for (int i = 0; i < before.size(); i++) {
                assertEquals(before.get(i).getShape(), after.get(i).getShape());
                float[] fa = before.get(i).toFloatArray();
                float[] fb = after.get(i).toFloatArray();
                assertTrue(Arrays.equals(fa, fb), stage + " output " + i + " differs with RFE at initialisation: "
                        + "max |diff| " + TestInputs.maxAbsDiff(fa, fb));
            }
            // ... and the identity must come from the zeroed projection, not from dead (all-zero) branches.
            for (Parameter p : rfb.projection().getParameters().values()) {
                assertTrue(allZero(p.getArray().toFloatArray()), "projection " + p.getName() + " is not zero");
            }
            List<List<Parameter>> branches = branchParameters(rfb);
            assertEquals(4, branches.size());
            for (List<Parameter> b : branches) {
                assertTrue(b.stream().anyMatch(p -> !allZero(p.getArray().toFloatArray())),
                        "a branch of " + stage + " has only zero parameters");
            }
        }
    }

    /**
     * With a non-zero projection (as after fine-tuning), every stage with its RFB block gives the
     * same outputs on ONNX Runtime as on PyTorch, and differs from the stage without the block:
     * the dilations, asymmetric kernels and the 0.1 residual scale are all written.
     */
    @Test
    void aTrainedBlockRunsTheSameOnOnnxRuntime() throws FaceAttrException {
        for (CascadeNet.Stage stage : CascadeNet.Stage.values()) {
            String file = stage.name().toLowerCase(java.util.Locale.ROOT) + ".tflite";
            try (NDManager m = Engines.newManager()) {
                CascadeNet net = RfemtcDetector.load(m, stage, file, true);
                java.util.Random r = new java.util.Random(5);
                for (Parameter p : net.rfb().projection().getParameters().values()) {
                    float[] v = new float[(int) p.getArray().size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (0.3 * r.nextGaussian());
                    }
                    Engines.load(p.getArray(), v);
                }
                int h = stage == CascadeNet.Stage.PNET ? 42 : stage.size;
                int w = stage == CascadeNet.Stage.PNET ? 34 : stage.size;
                float[] x = stage == CascadeNet.Stage.PNET ? TestInputs.crop(TestInputs.astronaut(), 130, 40, 200, 240,
                        h, w) : faceBatch(stage.size);
                int n = stage == CascadeNet.Stage.PNET ? 1 : 3;
                NDList djl = detector.run(net, m.create(FloatBuffer.wrap(x), new Shape(n, 3, h, w)));
                NDList plain = detector.run(RfemtcDetector.load(m, stage, file, false),
                        m.create(FloatBuffer.wrap(x), new Shape(n, 3, h, w)));
                try (StageNet ort = StageNet.onnxRuntime(net)) {
                    float[][] o = stage == CascadeNet.Stage.PNET ? ort.run(x, n, 3, h, w)
                            : ort.run(CascadeParityTest.toNhwc(x, n, 3, h, w), n, h, w, 3);
                    for (int i = 0; i < djl.size(); i++) {
                        double d = TestInputs.maxAbsDiff(djl.get(i).toFloatArray(), o[i]);
                        assertTrue(d < 1e-5, stage + " output " + i + " with RFB: ORT differs by " + d);
                    }
                    double moved = TestInputs.maxAbsDiff(plain.get(1).toFloatArray(), o[1]);
                    assertTrue(moved > 1e-3, stage + ": the trained block changed the regression by only " + moved);
                }
            }
        }
    }

    @Test
    void freshBlockLeavesPnetBitForBitUnchanged() throws FaceAttrException {
        assertIdentical(CascadeNet.Stage.PNET, "pnet.tflite", TestInputs.noise(3, 3 * 29 * 37),
                new Shape(1, 3, 29, 37));
        float[] face = TestInputs.crop(TestInputs.astronaut(), 130, 40, 200, 240, 42, 34);
        assertIdentical(CascadeNet.Stage.PNET, "pnet.tflite", face, new Shape(1, 3, 42, 34));
    }

    @Test
    void freshBlockLeavesRnetBitForBitUnchanged() throws FaceAttrException {
        assertIdentical(CascadeNet.Stage.RNET, "rnet.tflite", faceBatch(24), new Shape(3, 3, 24, 24));
    }

    @Test
    void freshBlockLeavesOnetBitForBitUnchanged() throws FaceAttrException {
        assertIdentical(CascadeNet.Stage.ONET, "onet.tflite", faceBatch(48), new Shape(3, 3, 48, 48));
    }

    /** Sum of P-Net's face probability map, recorded for backpropagation. */
    private static float lossAndBackward(CascadeNet net, ParameterStore ps, NDArray x) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = net.forward(ps, new NDList(x), true).get(0).sum();
            gc.backward(loss);
            return loss.getFloat();
        }
    }

    @Test
    void blockIsFineTunable() throws FaceAttrException {
        try (NDManager m = Engines.newManager()) {
            CascadeNet net = RfemtcDetector.load(m, CascadeNet.Stage.PNET, "pnet.tflite", true);
            RfbBlock rfb = net.rfb();
            for (Parameter p : rfb.getParameters().values()) {
                p.getArray().setRequiresGradient(true);
            }
            Parameter projection = rfb.projection().getParameters().get("weight");
            List<List<Parameter>> branches = branchParameters(rfb);
            float[] face = TestInputs.crop(TestInputs.astronaut(), 130, 40, 200, 240, 41, 33);
            NDArray x = m.create(FloatBuffer.wrap(face), new Shape(1, 3, 41, 33));
            ParameterStore ps = new ParameterStore(m, false);

            float before = lossAndBackward(net, ps, x);
            float[] gradProjection = projection.getArray().getGradient().toFloatArray();
            assertTrue(!allZero(gradProjection), "the zero-initialised projection gets no gradient");
            // With the projection at zero no signal reaches the branches yet.
            for (List<Parameter> b : branches) {
                for (Parameter p : b) {
                    assertTrue(allZero(p.getArray().getGradient().toFloatArray()),
                            p.getName() + " has a gradient through a zero projection");
                }
            }

            // One small SGD step on the projection, in place.
            NDArray w = projection.getArray();
            w.subi(w.getGradient().mul(0.01f));
            assertTrue(!allZero(w.toFloatArray()));

            float after = lossAndBackward(net, ps, x);
            for (int i = 0; i < branches.size(); i++) {
                boolean any = false;
                for (Parameter p : branches.get(i)) {
                    any |= !allZero(p.getArray().getGradient().toFloatArray());
                }
                assertTrue(any, "branch " + i + " gets no gradient after one step on the projection");
            }
            System.out.printf("RFE fine-tuning: loss %.6f -> %.6f after one step%n", before, after);
            assertTrue(after < before, "one gradient step did not lower the loss: " + before + " -> " + after);
            // The block is no longer an identity.
            try (NDManager s = m.newSubManager()) {
                CascadeNet plain = RfemtcDetector.load(s, CascadeNet.Stage.PNET, "pnet.tflite", false);
                float[] p0 = detector.run(plain, x).get(0).toFloatArray();
                float[] p1 = detector.run(net, x).get(0).toFloatArray();
                assertArrayEquals(new int[] {p0.length}, new int[] {p1.length});
                assertTrue(!Arrays.equals(p0, p1), "a trained RFE block still gives the pretrained output");
            }
        }
    }
}

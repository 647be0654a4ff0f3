package faceattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.detect.RfemtcDetector;
import faceattr.engine.OrtNet;
import faceattr.estimate.MultiTaskEstimator;
import faceattr.io.safetensors.Tensor;
import faceattr.reference.ReferenceEstimator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code faceattr models export-onnx} writes, read by independent tools: ONNX's own checker
 * ({@code onnx.checker.check_model(full_check=True)}, shape inference included) and ONNX Runtime
 * for Python, from the oracle venv ({@link TorchvisionOracle#onnx}). The attribute network's
 * Python outputs must equal our PyTorch path's (the DJL blocks); the reference and detector
 * models' must equal what our Java ONNX Runtime computes from the same bytes (which the unit tests
 * compare with PyTorch and with TF.js / TFLite). The metadata must arrive as written.
 */
class OnnxExportIT {
    private static String skipReason;

    @BeforeAll
    static void open() throws Exception {
        skipReason = TorchvisionOracle.installedOrSkipReason();
        if (skipReason == null) {
            OnnxParityTest.open();
        }
    }

    @AfterAll
    static void close() {
        if (skipReason == null) {
            OnnxParityTest.close();
        }
    }

    @BeforeEach
    void requireOracle() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    private static float[] random(long seed, int n, float scale, float offset) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = offset + scale * r.nextFloat();
        }
        return v;
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** Python's outputs for one input against Java ONNX Runtime's on the same bytes. */
    private static void sameAsJava(String what, byte[] model, float[] x, long... shape) throws Exception {
        TorchvisionOracle.OnnxRun py = TorchvisionOracle.onnx(model, Map.of("x", Tensor.f32(shape, x)), 1);
        try (OrtNet net = OrtNet.open(model, what)) {
            OrtNet.Outputs java = net.run(x, shape);
            List<Tensor> ours = new ArrayList<>(py.outputs().get("x").values());
            assertEquals(java.values().size(), ours.size(), what + ": outputs " + py.outputs().get("x").keySet());
            for (int k = 0; k < ours.size(); k++) {
                double d = maxDiff(java.get(k), ours.get(k).toFloatArray());
                System.out.printf("onnx export %-28s output %d: Python ORT vs Java ORT max |diff| %.3g%n", what, k, d);
                assertTrue(d <= 1e-5, what + " output " + k + ": " + d);
            }
        }
        assertEquals("17", py.metadata().get("opset"));
        assertEquals("8", py.metadata().get("ir_version"));
    }

    @Test
    void theAttributeNetworkRunsInPythonAsOnPyTorch() throws Exception {
        ModelConfig c = ModelConfig.builder().optBranchPoint(3).optAttentionLayers(1).build();
        MultiTaskNet net = OnnxParityTest.randomNet(c, 31);
        int s = c.inputSize();
        byte[] model = MultiTaskEstimator.onnx(net, MultiTaskEstimator.defaultCard("export-test", c));
        float[] x = random(32, 2 * 3 * s * s, 4f, -2f);
        TorchvisionOracle.OnnxRun py = TorchvisionOracle.onnx(model, Map.of("x", Tensor.f32(new long[] {2, 3, s, s},
                x)), 1);
        Map<String, Tensor> outs = py.outputs().get("x");
        List<String> keys = c.tasks().stream().map(faceattr.labels.Task::key).toList();
        assertEquals(keys, new ArrayList<>(outs.keySet()), "outputs in task order, named by task");
        List<float[]> python = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        for (Tensor t : outs.values()) {
            python.add(t.toFloatArray());
            shapes.add(t.shape());
        }
        double worst = OnnxParityTest.worst(OnnxParityTest.djl(net, x, 2), new OrtNet.Outputs(python, shapes));
        System.out.printf("onnx export attribute network: Python ORT vs PyTorch %.3g of the tolerance%n", worst);
        assertTrue(worst <= 1, "Python's ONNX Runtime differs from PyTorch by " + worst + " times the tolerance");
        assertEquals("male,female", py.metadata().get("meta.labels.gender"));
        assertEquals("export-test", py.metadata().get("meta.model"));
        assertTrue(py.metadata().get("meta.input").contains("(batch, 3, " + s + ", " + s + ")"));
    }

    @Test
    void theReferenceEstimatorsRunInPython() throws Exception {
        byte[] model = ReferenceEstimator.onnx();
        sameAsJava("reference", model, random(41, 2 * 112 * 112 * 3, 255f, 0f), 2, 112, 112, 3);
    }

    @Test
    void theDetectorStagesRunInPython() throws Exception {
        sameAsJava("pnet", RfemtcDetector.onnx("pnet", false), random(51, 3 * 29 * 37, 2f, -1f), 1, 3, 29, 37);
        sameAsJava("rnet", RfemtcDetector.onnx("rnet", false), random(52, 3 * 24 * 24 * 3, 2f, -1f), 3, 24, 24, 3);
        sameAsJava("onet with RFB", RfemtcDetector.onnx("onet", true), random(53, 3 * 48 * 48 * 3, 2f, -1f), 3, 48,
                48, 3);
    }
}

package faceattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.engine.OrtNet;
import faceattr.image.ImageOps;
import faceattr.io.ImageFiles;
import faceattr.io.onnx.OnnxGraph;
import faceattr.labels.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attribute network written as ONNX and run on ONNX Runtime gives the DJL network's outputs:
 * every branch point, both poolings, grouped and single heads, 5 and 7 race classes' head sets, on
 * random inputs and on crops of a real photo, with random BatchNorm statistics (so that folding is
 * exercised). A weight changed after export must break the equality (the test can fail).
 */
class OnnxParityTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static NDManager manager;
    private static RgbImage photo;

    @BeforeAll
    static void open() throws FaceAttrException {
        Models.singleThread();
        manager = Engines.newManager();
        photo = ImageFiles.read(Path.of("sample-data", "astronaut.png"));
    }

    @AfterAll
    static void close() {
        manager.close();
        Models.restoreThreads();
    }

    /**
     * A network with random weights, random BatchNorm scales and shifts, and running statistics
     * taken from a training pass over crops of the photo and random images (momentum 1), as a trained network has
     * them: each layer's output then has the scale BatchNorm gives it. With statistics that do not
     * match the activations (random ones), activations grow or shrink layer after layer, and then
     * even PyTorch's folded and unfolded BatchNorm differ by 1e-3 on the logits; that measures the
     * network's conditioning, not the export.
     */
    static MultiTaskNet randomNet(ModelConfig c, long seed) {
        MultiTaskNet net = new MultiTaskNet(c);
        ai.djl.engine.Engine.getEngine(Engines.ENGINE).setRandomSeed((int) seed); // reproducible initial weights
        net.initialize(manager);
        Random r = new Random(seed);
        for (Pair<String, Parameter> p : net.getParameters()) {
            String k = p.getKey();
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            if (k.endsWith("gamma")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = 0.8f + 0.4f * r.nextFloat();
                }
            } else if (k.endsWith("beta") || k.endsWith("bias")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.1 * r.nextGaussian());
                }
            } else {
                continue;
            }
            Engines.load(a, v);
        }
        int s = c.inputSize();
        net.setBatchNormMomentum(1f);
        try (NDManager m = manager.newSubManager()) {
            // both kinds of input the tests use, so that neither is far outside the statistics
            float[] both = new float[4 * 3 * s * s];
            System.arraycopy(crops(2, s), 0, both, 0, 2 * 3 * s * s);
            System.arraycopy(noise(seed + 1000, 2, s), 0, both, 2 * 3 * s * s, 2 * 3 * s * s);
            NDArray in = m.create(both, new Shape(4, 3, s, s));
            net.forward(new ParameterStore(m, false), new NDList(in), true);
        }
        net.prepareForInference();
        return net;
    }

    static byte[] onnx(MultiTaskNet net) {
        OnnxGraph g = new OnnxGraph("test");
        net.toOnnx(g);
        return g.toBytes();
    }

    static List<float[]> djl(MultiTaskNet net, float[] x, int n) {
        int s = net.config().inputSize();
        try (NDManager m = manager.newSubManager(); Autograd.Scope scope = Autograd.disable()) {
            NDArray in = m.create(x, new Shape(n, 3, s, s));
            NDList out = net.forward(new ParameterStore(m, false), new NDList(in), false);
            List<float[]> v = new ArrayList<>();
            for (NDArray a : out) {
                v.add(a.toFloatArray());
            }
            return v;
        }
    }

    /**
     * @return the largest |ort - djl| of all outputs in units of the tolerance, 1e-4 times the
     *     output's scale (its largest |djl| value, at least 1): float32 sums in another order
     *     differ by a relative 1e-6 or so per layer, so a tolerance must scale with the values
     */
    static double worst(List<float[]> djl, OrtNet.Outputs ort) {
        double worst = 0;
        assertEquals(djl.size(), ort.values().size());
        for (int k = 0; k < djl.size(); k++) {
            float[] a = djl.get(k);
            float[] b = ort.get(k);
            assertEquals(a.length, b.length);
            double scale = 1;
            for (float v : a) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-4 * scale));
            }
        }
        return worst;
    }

    /** n random images of s x s: every value uniform in 0..255, normalised as ImageNet weights expect. */
    private static float[] noise(long seed, int n, int s) {
        Random r = new Random(seed);
        float[] v = new float[n * 3 * s * s];
        for (int i = 0; i < v.length; i++) {
            int c = i / (s * s) % 3;
            v[i] = (r.nextInt(256) / 255f - MEAN[c]) / STD[c];
        }
        return v;
    }

    /** Crops of the photo at several places, normalised as ImageNet weights expect. */
    private static float[] crops(int n, int s) {
        List<RgbImage> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int side = photo.height() / 2 - 40 * i;
            RgbImage c = ImageOps.resize(cut(photo, 60 * i, 30 * i, side), s, s);
            list.add(c);
        }
        float[] out = new float[n * 3 * s * s];
        for (int k = 0; k < n; k++) {
            byte[] p = list.get(k).pixels();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < s * s; i++) {
                    out[(k * 3 + c) * s * s + i] = ((p[3 * i + c] & 0xff) / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }

    private static RgbImage cut(RgbImage img, int x0, int y0, int side) {
        byte[] out = new byte[3 * side * side];
        for (int y = 0; y < side; y++) {
            System.arraycopy(img.pixels(), 3 * ((y0 + y) * img.width() + x0), out, 3 * y * side, 3 * side);
        }
        return new RgbImage(side, side, out);
    }

    private static void check(ModelConfig c, long seed) throws FaceAttrException {
        MultiTaskNet net = randomNet(c, seed);
        int s = c.inputSize();
        try (OrtNet ort = OrtNet.open(onnx(net), "test net")) {
            int n = 3;
            float[] x = noise(seed, n, s);
            double w1 = worst(djl(net, x, n), ort.run(x, n, 3, s, s));
            float[] real = crops(2, s);
            double w2 = worst(djl(net, real, 2), ort.run(real, 2, 3, s, s));
            assertTrue(w1 <= 1 && w2 <= 1, c + ": ORT differs from DJL by " + w1 + " (noise) and " + w2
                    + " (photo) times the tolerance");
        }
    }

    @Test
    void everyBranchPointGivesTheDjlOutputs() throws FaceAttrException {
        for (int k = 0; k <= MobileNetV3Large.STAGES; k++) {
            check(ModelConfig.builder().optInputSize(112).optBranchPoint(k).optAttentionLayers(1).build(), 10 + k);
        }
    }

    @Test
    void headSetsPoolingsAndTheDefaultNetwork() throws FaceAttrException {
        check(ModelConfig.builder().optInputSize(112).optTaskGroups("age+age_group+gender,race+emotion")
                .optPooling(ModelConfig.Pooling.MEAN).optAttentionLayers(2).build(), 1);
        check(ModelConfig.builder().optInputSize(128).optBranchPoint(6).optTaskGroups("age,gender").optAgeBins(117)
                .optAttentionLayers(0).build(), 2);
        check(ModelConfig.DEFAULT, 3);
    }

    @Test
    void aWeightChangedAfterExportBreaksTheEquality() throws FaceAttrException {
        ModelConfig c = ModelConfig.builder().optInputSize(112).optBranchPoint(3).optAttentionLayers(1).build();
        MultiTaskNet net = randomNet(c, 7);
        byte[] model = onnx(net);
        // the first filter of one convolution in one branch, by a tenth
        Parameter p = net.branchBackbones().get(0).getParameters().stream()
                .filter(e -> e.getKey().contains("features9") && e.getKey().endsWith("weight")).findFirst()
                .orElseThrow().getValue();
        float[] v = p.getArray().toFloatArray();
        for (int i = 0; i < 9; i++) {
            v[i] *= 1.1f;
        }
        net.prepareForTraining();
        Engines.load(p.getArray(), v);
        net.prepareForInference();
        float[] x = noise(7, 2, 112);
        try (OrtNet ort = OrtNet.open(model, "test net")) {
            double w = worst(djl(net, x, 2), ort.run(x, 2, 3, 112, 112));
            assertTrue(w > 1, "a changed weight must fail the parity check: worst difference " + w + " times the tolerance");
        }
    }

    @Test
    void outputsAreNamedByTaskWithADynamicBatch() throws Exception {
        ModelConfig c = ModelConfig.builder().optInputSize(112).build();
        MultiTaskNet net = randomNet(c, 5);
        ai.onnx.proto.OnnxMl.ModelProto m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(onnx(net));
        List<String> names = m.getGraph().getOutputList().stream().map(o -> o.getName()).toList();
        assertEquals(c.tasks().stream().map(Task::key).toList(), names);
        assertEquals("batch", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        try (OrtNet ort = OrtNet.open(onnx(net), "test net")) {
            for (int n : new int[] {1, 5}) {
                OrtNet.Outputs o = ort.run(new float[n * 3 * 112 * 112], n, 3, 112, 112);
                assertEquals(n, o.shapes().get(0)[0]);
            }
        }
    }
}

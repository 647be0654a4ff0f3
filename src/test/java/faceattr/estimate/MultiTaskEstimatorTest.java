package faceattr.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.labels.Task;
import faceattr.model.ModelConfig;
import faceattr.model.ModelConfigJson;
import faceattr.model.MultiTaskNet;
import faceattr.model.io.ModelCard;
import faceattr.model.io.ModelFolder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batching, probabilities, save/open round trip and a tampered model folder. */
class MultiTaskEstimatorTest {
    private static NDManager manager;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws FaceAttrException {
        faceattr.model.Models.singleThread();
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
        faceattr.model.Models.restoreThreads();
    }

    /** A random-init network whose heads give clearly non-uniform outputs. */
    private static MultiTaskNet net(ModelConfig config, long seed) {
        MultiTaskNet net = new MultiTaskNet(config);
        net.initialize(manager);
        Random r = new Random(seed);
        try (Autograd.Scope s = Autograd.disable()) {
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getKey().contains("head_")) {
                    float[] v = new float[(int) p.getValue().getArray().size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (r.nextGaussian() * 0.5);
                    }
                    p.getValue().getArray().set(FloatBuffer.wrap(v));
                }
            }
        }
        return net;
    }

    private static List<RgbImage> crops(int n, int size, long seed) {
        Random r = new Random(seed);
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[size * size * 3];
            r.nextBytes(px);
            out.add(new RgbImage(size, size, px));
        }
        return out;
    }

    private static void assertClose(FaceAttributes a, FaceAttributes b, double tol) {
        assertEquals(a.ageMean(), b.ageMean(), tol * 100, "age mean (years)");
        assertEquals(a.ageStd(), b.ageStd(), tol * 100, "age std (years)");
        assertArrayEquals(a.probabilities(Task.AGE_GROUP), b.probabilities(Task.AGE_GROUP), tol);
        assertArrayEquals(a.probabilities(Task.GENDER), b.probabilities(Task.GENDER), tol);
        assertArrayEquals(a.probabilities(Task.EMOTION), b.probabilities(Task.EMOTION), tol);
        assertEquals(a.has(Task.RACE), b.has(Task.RACE));
        if (a.has(Task.RACE)) {
            assertArrayEquals(a.probabilities(Task.RACE), b.probabilities(Task.RACE), tol);
        }
    }

    @Test
    void batchedAgreesWithOneByOne() throws Exception {
        ModelConfig config = ModelConfig.DEFAULT;
        // on PyTorch, whose predictor the one-by-one path uses
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 1),
                MultiTaskEstimator.defaultCard("batch-test", config), faceattr.engine.InferenceEngine.PYTORCH)) {
            List<RgbImage> crops = crops(3, config.inputSize(), 7);
            List<FaceAttributes> batched = e.estimate(crops);
            assertEquals(3, batched.size());
            List<FaceAttributes> single = new ArrayList<>();
            try (Predictor<RgbImage, FaceAttributes> p = e.newPredictor(); Autograd.Scope s = Autograd.disable()) {
                for (RgbImage c : crops) {
                    single.add(p.predict(c));
                }
            }
            List<FaceAttributes> batchesOfTwo = e.estimate(crops, 2);
            for (int i = 0; i < 3; i++) {
                // probabilities to 1e-5; age in years to 1e-3 (100 x the tolerance, ages span 0..100)
                assertClose(batched.get(i), single.get(i), 1e-5);
                assertClose(batched.get(i), batchesOfTwo.get(i), 1e-5);
            }
            // different crops give different answers: the comparison is not vacuous
            assertFalse(batched.get(0).equals(batched.get(1)));
        }
    }

    @Test
    void probabilitiesSumToOneAndRaceIsOptional() throws Exception {
        ModelConfig config = ModelConfig.DEFAULT;
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 2),
                MultiTaskEstimator.defaultCard("sum-test", config))) {
            for (FaceAttributes f : e.estimate(crops(4, config.inputSize(), 3))) {
                assertEquals(1.0, sum(f.probabilities(Task.AGE_GROUP)), 1e-5);
                assertEquals(1.0, sum(f.probabilities(Task.GENDER)), 1e-5);
                assertEquals(1.0, sum(f.probabilities(Task.RACE)), 1e-5);
                assertEquals(1.0, sum(f.probabilities(Task.EMOTION)), 1e-5);
                assertTrue(f.ageMean() >= 0 && f.ageMean() <= 100 && f.ageStd() > 0, f.toString());
                assertEquals("sum-test", f.modelName());
            }
        }
        ModelConfig noRace = ModelConfig.builder().optTaskGroups("age+age_group,gender,emotion").build();
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(noRace, 3),
                MultiTaskEstimator.defaultCard("no-race", noRace))) {
            FaceAttributes f = e.estimate(crops(1, noRace.inputSize(), 4)).get(0);
            assertFalse(f.has(Task.RACE));
            assertNull(f.label(Task.RACE));
            assertEquals(1.0, sum(f.probabilities(Task.EMOTION)), 1e-5);
        }
    }

    @Test
    void wrongCropSizeIsRefused() throws Exception {
        ModelConfig config = ModelConfig.DEFAULT;
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 4),
                MultiTaskEstimator.defaultCard("size-test", config))) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> e.estimate(crops(1, 100, 1)));
            assertTrue(x.getMessage().contains("100x100") && x.getMessage().contains("112x112"), x.getMessage());
        }
    }

    @Test
    void repeatedEstimationLeavesNothingInTheModelsManager() throws Exception {
        ModelConfig config = ModelConfig.DEFAULT;
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 8),
                MultiTaskEstimator.defaultCard("leak-test", config))) {
            NDManager home = e.net().getParameters().get(0).getValue().getArray().getManager();
            List<RgbImage> crops = crops(3, config.inputSize(), 12);
            e.estimate(crops);
            int before = home.getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                assertEquals(3, e.estimate(crops).size());
            }
            assertEquals(before, home.getManagedArrays().size());
        }
    }

    @Test
    void saveThenOpenGivesIdenticalOutputs() throws Exception {
        ModelConfig config = ModelConfig.builder().optBranchPoint(5).optAttentionLayers(1).build();
        Path dir = tmp.resolve("model");
        List<RgbImage> crops = crops(3, config.inputSize(), 11);
        List<FaceAttributes> before;
        ModelCard card = MultiTaskEstimator.defaultCard("round-trip", config).toBuilder()
                .optMetrics(java.util.Map.of("note", "test")).build();
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 5), card)) {
            before = e.estimate(crops);
            ModelCard written = e.save(dir, card);
            assertEquals(ModelConfigJson.toMap(config).keySet(), written.architecture().keySet());
        }
        try (MultiTaskEstimator e = MultiTaskEstimator.open(dir)) {
            assertEquals(config, e.net().config());
            assertEquals("round-trip", e.card().name());
            List<FaceAttributes> after = e.estimate(crops);
            for (int i = 0; i < crops.size(); i++) {
                assertEquals(before.get(i), after.get(i), "face " + i);
            }
        }
    }

    @Test
    void bothEnginesGiveTheSameAttributesFromOneModelFolder() throws Exception {
        ModelConfig config = ModelConfig.builder().optBranchPoint(4).optAttentionLayers(1).build();
        Path dir = tmp.resolve("engines");
        ModelCard card = MultiTaskEstimator.defaultCard("engines", config);
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 21), card,
                faceattr.engine.InferenceEngine.PYTORCH)) {
            e.save(dir, card);
        }
        List<RgbImage> crops = crops(5, config.inputSize(), 22);
        try (MultiTaskEstimator ort = MultiTaskEstimator.open(dir);
                MultiTaskEstimator pt = MultiTaskEstimator.open(dir, faceattr.engine.InferenceEngine.PYTORCH)) {
            assertEquals(faceattr.engine.InferenceEngine.ONNXRUNTIME, ort.engine());
            assertEquals(faceattr.engine.InferenceEngine.PYTORCH, pt.engine());
            List<FaceAttributes> a = ort.estimate(crops, 2);
            List<FaceAttributes> b = pt.estimate(crops, 2);
            for (int i = 0; i < crops.size(); i++) {
                assertClose(a.get(i), b.get(i), 1e-4);
            }
            assertFalse(a.get(0).equals(a.get(1)));
            // the exported model carries the card: labels in output order, and the parameters' hash
            ai.onnx.proto.OnnxMl.ModelProto m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(ort.onnx());
            java.util.Map<String, String> meta = new java.util.HashMap<>();
            m.getMetadataPropsList().forEach(kv -> meta.put(kv.getKey(), kv.getValue()));
            assertEquals(String.join(",", Task.GENDER.space().classes()), meta.get("labels.gender"));
            assertEquals(ort.card().parametersSha256(), meta.get("parameters.sha256"));
            int side = config.inputSize();
            assertTrue(meta.get("input").contains("(batch, 3, " + side + ", " + side + ")"), meta.get("input"));
        }
    }

    @Test
    void tamperedParametersAreRefusedByTheCardHash() throws Exception {
        ModelConfig config = ModelConfig.DEFAULT;
        Path dir = tmp.resolve("model");
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 6),
                MultiTaskEstimator.defaultCard("tamper-test", config))) {
            e.save(dir, e.card());
        }
        Path params = dir.resolve(ModelFolder.PARAMETERS_FILE);
        byte[] b = Files.readAllBytes(params);
        b[b.length - 5] ^= 0x10; // a weight's bits, same size
        Files.write(params, b);
        FaceAttrException x = assertThrows(FaceAttrException.class, () -> MultiTaskEstimator.open(dir));
        assertEquals(params.toAbsolutePath().normalize(), x.file().toAbsolutePath().normalize());
        assertTrue(x.getMessage().contains("does not match its model card"), x.getMessage());
    }

    @Test
    void perItemOutputPathMatchesTheBatchPath() throws Exception {
        ModelConfig config = ModelConfig.DEFAULT;
        AttributeTranslator t = new AttributeTranslator(config, "t", 255, MultiTaskEstimator.IMAGENET_MEAN,
                MultiTaskEstimator.IMAGENET_STD);
        try (NDManager m = manager.newSubManager()) {
            ai.djl.ndarray.NDList rows = new ai.djl.ndarray.NDList();
            ai.djl.ndarray.NDList flat = new ai.djl.ndarray.NDList();
            for (faceattr.labels.Task task : config.tasks()) {
                ai.djl.ndarray.NDArray a = m.randomNormal(new ai.djl.ndarray.types.Shape(1,
                        task.classes(config.ageBins())));
                rows.add(a);
                flat.add(a.reshape(-1));
            }
            assertEquals(t.batchProcessOutput(null, rows).get(0), t.processOutput(null, flat));
        }
    }

    @Test
    void parametersOfAnotherArchitectureAreRefused() throws Exception {
        ModelConfig config = ModelConfig.DEFAULT;
        Path dir = tmp.resolve("model");
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 8),
                MultiTaskEstimator.defaultCard("arch-test", config))) {
            e.save(dir, e.card());
        }
        ModelFolder f = ModelFolder.read(dir);
        java.util.Map<String, float[]> values = new java.util.TreeMap<>();
        java.util.Map<String, long[]> shapes = new java.util.TreeMap<>();
        for (String n : f.names()) {
            values.put(n, f.tensor(n));
            shapes.put(n, f.shape(n));
        }
        ModelConfig other = config.toBuilder().optDModel(128).build();
        Path dir2 = tmp.resolve("other");
        ModelFolder.write(dir2, f.card().toBuilder().optArchitecture(ModelConfigJson.toMap(other)).build(), values,
                shapes);
        FaceAttrException x = assertThrows(FaceAttrException.class, () -> MultiTaskEstimator.open(dir2));
        assertTrue(x.getMessage().contains("has shape") && x.file().endsWith(ModelFolder.PARAMETERS_FILE),
                x.getMessage());

        java.util.Map<String, Object> bogus = new java.util.LinkedHashMap<>(ModelConfigJson.toMap(config));
        bogus.put("backbone", "resnet50");
        Path dir3 = tmp.resolve("bogus");
        ModelFolder.write(dir3, f.card().toBuilder().optArchitecture(bogus).build(), values, shapes);
        x = assertThrows(FaceAttrException.class, () -> MultiTaskEstimator.open(dir3));
        assertTrue(x.getMessage().contains("resnet50") && x.file().endsWith(ModelFolder.CARD_FILE), x.getMessage());
    }

    @Test
    void concurrentEstimatesAgree() throws Exception {
        ModelConfig config = ModelConfig.DEFAULT;
        List<RgbImage> crops = crops(2, config.inputSize(), 9);
        try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net(config, 9),
                MultiTaskEstimator.defaultCard("threads", config))) {
            List<FaceAttributes> reference = e.estimate(crops);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<List<FaceAttributes>>> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    runs.add(pool.submit(() -> e.estimate(crops)));
                }
                for (java.util.concurrent.Future<List<FaceAttributes>> r : runs) {
                    List<FaceAttributes> got = r.get();
                    for (int i = 0; i < crops.size(); i++) {
                        assertClose(reference.get(i), got.get(i), 1e-6);
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    private static double sum(double[] p) {
        double s = 0;
        for (double v : p) {
            s += v;
        }
        return s;
    }
}

package faceattr.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import faceattr.io.safetensors.SafeTensorsWriter;
import faceattr.io.safetensors.Tensor;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torchvision and timm names, BatchNorm statistics, skipped and missing tensors, shape errors. */
class ImageNetImportTest {
    private static NDManager manager;

    @TempDir
    Path tmp;

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

    /** Branch point 5: stages 0-4 shared, 5-6 copied per task group, so one key fills several parameters. */
    private static MultiTaskNet net() {
        MultiTaskNet net = new MultiTaskNet(ModelConfig.builder().optBranchPoint(5).build());
        net.initialize(manager);
        return net;
    }

    private static float[] random(Random r, long[] shape, boolean positive) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = positive ? 0.05f + r.nextFloat() : (float) r.nextGaussian();
        }
        return v;
    }

    /** Random values for every backbone tensor, by torchvision key. */
    private static Map<String, Tensor> torchvisionTensors(MultiTaskNet net, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        net.torchvisionParameters().forEach((k, ps) -> {
            long[] shape = ps.get(0).getArray().getShape().getShape();
            t.put(k, Tensor.f32(shape, random(r, shape, k.endsWith("running_var"))));
        });
        return t;
    }

    @Test
    void torchvisionNames() throws Exception {
        MultiTaskNet net = net();
        Map<String, Tensor> file = new LinkedHashMap<>(torchvisionTensors(net, 1));
        Map<String, Tensor> expected = new LinkedHashMap<>(file);
        file.put("classifier.0.weight", Tensor.f32(new long[] {1280, 960}, new float[1280 * 960]));
        file.put("classifier.3.bias", Tensor.f32(new long[] {1000}, new float[1000]));
        file.put("features.0.1.num_batches_tracked", Tensor.i64(new long[] {}, new long[] {123}));
        Path path = tmp.resolve("mobilenet_v3_large.safetensors");
        SafeTensorsWriter.write(path, file, Map.of());

        ImageNetImport.Report report = ImageNetImport.importBackbone(net, path);
        assertEquals(ImageNetImport.Naming.TORCHVISION, report.naming());
        assertEquals(expected.size(), report.loaded().size());
        assertEquals(List.of(), report.missing());
        assertEquals(List.of(), report.adjusted());
        assertEquals(List.of("classifier.0.weight", "classifier.3.bias", "features.0.1.num_batches_tracked"),
                List.copyOf(report.skipped().keySet()));
        int filled = 0;
        for (Map.Entry<String, List<Parameter>> e : net.torchvisionParameters().entrySet()) {
            for (Parameter p : e.getValue()) {
                assertArrayEquals(expected.get(e.getKey()).toFloatArray(), p.getArray().toFloatArray(), 0f,
                        e.getKey());
                filled++;
            }
        }
        // running statistics are among them, and the branched stages were filled once per task group
        assertTrue(expected.containsKey("features.16.1.running_var") && expected.containsKey("features.0.1.running_mean"));
        assertEquals(expected.size() + 3 * countKeysFrom(net, 13), filled);
    }

    /** Keys of features.{from}.. (the branched stages when from = 13 and k = 5). */
    private static int countKeysFrom(MultiTaskNet net, int from) {
        int n = 0;
        for (String k : net.torchvisionParameters().keySet()) {
            if (Integer.parseInt(k.split("\\.")[1]) >= from) {
                n++;
            }
        }
        return n;
    }

    @Test
    void timmNames() throws Exception {
        MultiTaskNet net = net();
        Map<String, Tensor> tv = torchvisionTensors(net, 2);
        Map<String, String> table = ImageNetImport.timmToTorchvision();
        // the table covers every backbone tensor exactly once
        assertEquals(tv.keySet(), new HashSet<>(table.values()));
        assertEquals(table.size(), tv.size());
        Map<String, Tensor> file = new LinkedHashMap<>();
        table.forEach((timm, torchvision) -> file.put(timm, tv.get(torchvision)));
        file.put("conv_head.weight", Tensor.f32(new long[] {1280, 960, 1, 1}, new float[1280 * 960]));
        file.put("conv_head.bias", Tensor.f32(new long[] {1280}, new float[1280]));
        file.put("classifier.weight", Tensor.f32(new long[] {1000, 1280}, new float[1000 * 1280]));
        file.put("classifier.bias", Tensor.f32(new long[] {1000}, new float[1000]));
        file.put("bn1.num_batches_tracked", Tensor.i64(new long[] {}, new long[] {7}));
        Path path = tmp.resolve("mobilenetv3_large_100.safetensors");
        SafeTensorsWriter.write(path, file, Map.of());

        ImageNetImport.Report report = ImageNetImport.importBackbone(net, path);
        assertEquals(ImageNetImport.Naming.TIMM, report.naming());
        assertEquals(table.size(), report.loaded().size());
        assertEquals(List.of("bn1.num_batches_tracked", "classifier.bias", "classifier.weight", "conv_head.bias",
                "conv_head.weight"), List.copyOf(report.skipped().keySet()));
        assertEquals(List.of(), report.missing());
        Map<String, List<Parameter>> params = net.torchvisionParameters();
        int gammas = 0;
        for (Map.Entry<String, String> e : table.entrySet()) {
            float[] want = file.get(e.getKey()).toFloatArray();
            boolean gamma = e.getValue().endsWith(".1.weight");
            if (gamma) {
                float[] var = tv.get(e.getValue().replace(".1.weight", ".1.running_var")).toFloatArray();
                for (int c = 0; c < want.length; c++) {
                    want[c] = (float) (want[c] * Math.sqrt((var[c] + 1e-3) / (var[c] + 1e-5)));
                }
                gammas++;
            }
            for (Parameter p : params.get(e.getValue())) {
                assertArrayEquals(want, p.getArray().toFloatArray(), gamma ? 1e-6f : 0f, e.getKey());
            }
        }
        assertEquals(gammas, report.adjusted().size());
    }

    /** Shapes of the real timm mobilenetv3_large_100 checkpoint, checked against our backbone via the table. */
    @Test
    void timmShapesOfTheRealCheckpoint() {
        MultiTaskNet net = net();
        Map<String, List<Parameter>> params = net.torchvisionParameters();
        Map<String, long[]> timm = new LinkedHashMap<>();
        timm.put("conv_stem.weight", new long[] {16, 3, 3, 3});
        timm.put("blocks.0.0.conv_dw.weight", new long[] {16, 1, 3, 3});
        timm.put("blocks.0.0.conv_pw.weight", new long[] {16, 16, 1, 1});
        timm.put("blocks.1.0.conv_pw.weight", new long[] {64, 16, 1, 1});
        timm.put("blocks.2.0.se.conv_reduce.weight", new long[] {24, 72, 1, 1});
        timm.put("blocks.2.0.se.conv_expand.bias", new long[] {72});
        timm.put("blocks.3.0.conv_pw.weight", new long[] {240, 40, 1, 1});
        timm.put("blocks.3.3.conv_pwl.weight", new long[] {80, 184, 1, 1});
        timm.put("blocks.4.1.se.conv_reduce.weight", new long[] {168, 672, 1, 1});
        timm.put("blocks.5.0.conv_dw.weight", new long[] {672, 1, 5, 5});
        timm.put("blocks.5.2.conv_pwl.weight", new long[] {160, 960, 1, 1});
        timm.put("blocks.5.2.bn3.running_var", new long[] {160});
        timm.put("blocks.6.0.conv.weight", new long[] {960, 160, 1, 1});
        timm.put("blocks.6.0.bn1.weight", new long[] {960});
        timm.forEach((k, shape) -> {
            String tv = ImageNetImport.timmToTorchvision().get(k);
            assertArrayEquals(shape, params.get(tv).get(0).getArray().getShape().getShape(), k + " -> " + tv);
        });
    }

    @Test
    void wrongShapeNamesTheTensorAndChangesNothing() throws Exception {
        MultiTaskNet net = net();
        Map<String, Tensor> file = new LinkedHashMap<>(torchvisionTensors(net, 3));
        String bad = "features.5.block.2.fc1.weight";
        file.put(bad, Tensor.f32(new long[] {16, 120, 1, 1}, new float[16 * 120]));
        Path path = tmp.resolve("bad.safetensors");
        SafeTensorsWriter.write(path, file, Map.of());
        float[] stem = net.torchvisionParameters().get("features.0.0.weight").get(0).getArray().toFloatArray();
        FaceAttrException x = assertThrows(FaceAttrException.class, () -> ImageNetImport.importBackbone(net, path));
        assertTrue(x.getMessage().contains(bad) && x.getMessage().contains("[16, 120, 1, 1]"), x.getMessage());
        assertEquals(path, x.file());
        assertArrayEquals(stem, net.torchvisionParameters().get("features.0.0.weight").get(0).getArray()
                .toFloatArray(), 0f);
    }

    @Test
    void missingTensorsAreAnErrorUnlessAllowed() throws Exception {
        MultiTaskNet net = net();
        Map<String, Tensor> file = new LinkedHashMap<>(torchvisionTensors(net, 4));
        file.remove("features.16.1.running_mean");
        Path path = tmp.resolve("partial.safetensors");
        SafeTensorsWriter.write(path, file, Map.of());
        FaceAttrException x = assertThrows(FaceAttrException.class, () -> ImageNetImport.importBackbone(net, path));
        assertTrue(x.getMessage().contains("features.16.1.running_mean"), x.getMessage());
        ImageNetImport.Report r = ImageNetImport.importBackbone(net, path, true);
        assertEquals(List.of("features.16.1.running_mean"), r.missing());

        Path neither = tmp.resolve("neither.safetensors");
        SafeTensorsWriter.write(neither, Map.of("x", Tensor.f32(new long[] {1}, new float[1])), Map.of());
        assertThrows(FaceAttrException.class, () -> ImageNetImport.importBackbone(net, neither));
    }
}

package faceattr.model;

import faceattr.engine.Autograd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link MobileNetV3Large} against docs/facts.md's table and torchvision's names. */
class BackboneTest {
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

    private static MobileNetV3Large full(int side) {
        MobileNetV3Large net = MobileNetV3Large.full();
        net.initialize(manager, DataType.FLOAT32, new Shape(2, 3, side, side));
        return net;
    }

    private static Shape run(MobileNetV3Large net, int n, int side) {
        try (NDManager sub = manager.newSubManager(); Autograd.Scope s = Autograd.disable()) {
            NDArray x = sub.randomNormal(new Shape(n, 3, side, side));
            NDArray y = net.forward(new ParameterStore(sub, false), new NDList(x), false).singletonOrThrow();
            assertTrue(Float.isFinite(y.sum().getFloat()));
            return y.getShape();
        }
    }

    @Test
    void parameterCountIsTorchvisions() {
        long[] c = Models.count(full(224));
        assertEquals(2_971_952L, c[0], "trainable parameters of features.0 .. features.16 (docs/facts.md)");
        assertEquals(24_400L, c[1], "BatchNorm running means and variances");
    }

    @Test
    void outputShapes() {
        assertEquals(new Shape(2, 960, 7, 7), run(full(224), 2, 224));
        assertEquals(new Shape(3, 960, 4, 4), run(full(112), 3, 112));
        assertEquals(new Shape(1, 960, 4, 4), run(full(128), 1, 128));
        assertEquals(new Shape(2, 960, 5, 5), run(full(160), 2, 160));
    }

    /** Every feature layer's output at 224 has the table's channels and the cumulative stride. */
    @Test
    void perLayerShapesFollowTheTable() {
        MobileNetV3Large net = full(224);
        List<MobileNetV3Large.Layer> layers = MobileNetV3Large.layers();
        int[] outChannels = {16, 16, 24, 24, 40, 40, 40, 80, 80, 80, 80, 112, 112, 160, 160, 160, 960};
        int[] strides = {2, 2, 4, 4, 8, 8, 8, 16, 16, 16, 16, 16, 16, 32, 32, 32, 32};
        List<Block> children = new ArrayList<>();
        for (Pair<String, Block> c : net.getChildren()) {
            children.add(c.getValue());
        }
        assertEquals(17, children.size());
        try (NDManager sub = manager.newSubManager(); Autograd.Scope s = Autograd.disable()) {
            ParameterStore ps = new ParameterStore(sub, false);
            NDArray x = sub.randomNormal(new Shape(1, 3, 224, 224));
            for (int i = 0; i < 17; i++) {
                x = children.get(i).forward(ps, new NDList(x), false).singletonOrThrow();
                Shape expected = new Shape(1, outChannels[i], 224 / strides[i], 224 / strides[i]);
                assertEquals(expected, x.getShape(), "features." + i);
                assertEquals(outChannels[i], layers.get(i).out());
            }
        }
        assertEquals(net.featureShapes(new Shape(1, 3, 224, 224)).get(12), new Shape(1, 112, 14, 14));
    }

    @Test
    void squeezeWidthsAreTorchvisions() {
        List<Integer> se = new ArrayList<>();
        for (MobileNetV3Large.Layer l : MobileNetV3Large.layers()) {
            if (l.se()) {
                se.add(l.squeeze());
            }
        }
        assertEquals(List.of(24, 32, 32, 120, 168, 168, 240, 240), se);
    }

    @Test
    void torchvisionNamesCoverEveryParameter() {
        MobileNetV3Large net = full(112);
        Map<String, String> names = net.torchvisionNames();
        assertEquals(net.getParameters().size(), names.size());
        assertEquals(names.size(), Map.copyOf(names).values().stream().distinct().count(), "keys are unique");
        Map<String, Parameter> byKey = net.torchvisionParameters();
        assertArrayEquals(new long[] {16, 3, 3, 3}, byKey.get("features.0.0.weight").getArray().getShape().getShape());
        assertArrayEquals(new long[] {16}, byKey.get("features.0.1.running_var").getArray().getShape().getShape());
        assertArrayEquals(new long[] {16, 1, 3, 3},
                byKey.get("features.1.block.0.0.weight").getArray().getShape().getShape());
        assertArrayEquals(new long[] {24, 72, 1, 1},
                byKey.get("features.4.block.2.fc1.weight").getArray().getShape().getShape());
        assertArrayEquals(new long[] {72}, byKey.get("features.4.block.2.fc2.bias").getArray().getShape().getShape());
        assertArrayEquals(new long[] {40, 72, 1, 1},
                byKey.get("features.4.block.3.0.weight").getArray().getShape().getShape());
        assertArrayEquals(new long[] {960}, byKey.get("features.16.1.running_mean").getArray().getShape().getShape());
        // 17 conv-BN pairs outside the bnecks' inner layers; every BN has 4 keys
        long bnWeights = names.values().stream().filter(k -> k.endsWith(".1.running_mean")).count();
        assertEquals(names.values().stream().filter(k -> k.endsWith(".1.weight")).count(), bnWeights);
        // a stage range keeps global indices
        MobileNetV3Large tail = new MobileNetV3Large(5, 7);
        tail.initialize(manager, DataType.FLOAT32, new Shape(1, 112, 7, 7));
        assertTrue(tail.torchvisionNames().containsValue("features.13.block.0.0.weight"));
        assertTrue(tail.torchvisionNames().values().stream().allMatch(k -> k.startsWith("features.1")));
    }

    /**
     * DJL's BatchNorm momentum is the weight of the old running value (it passes 1 - momentum to
     * PyTorch), so torchvision's momentum 0.01 is DJL's 0.99: after one training batch the
     * running mean is 0.01 * the batch mean.
     */
    @Test
    void batchNormMomentumIsTorchvisions() {
        ConvBn cb = new ConvBn(4, 1, 1, 1, ConvBn.Act.NONE);
        cb.initialize(manager, DataType.FLOAT32, new Shape(8, 4, 3, 3));
        try (NDManager sub = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(sub, false);
            NDArray x = sub.randomNormal(new Shape(8, 4, 3, 3)).add(5f);
            NDArray conv = cb.conv().forward(ps, new NDList(x), false).singletonOrThrow();
            float[] batchMean = conv.transpose(1, 0, 2, 3).reshape(4, -1).mean(new int[] {1}).toFloatArray();
            cb.forward(ps, new NDList(x), true);
            float[] running = cb.bn().getParameters().get("runningMean").getArray().toFloatArray();
            for (int c = 0; c < 4; c++) {
                assertEquals(0.01f * batchMean[c], running[c], 1e-4f * Math.abs(batchMean[c]) + 1e-6f, "channel " + c);
            }
        }
    }
}

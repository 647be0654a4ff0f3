package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.io.onnx.OnnxGraph;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime sessions follow the lanes: a narrow lane's run and a wide lane's run of the same
 * network, at the same time and from two analyses' lanes, give what each gives alone; a closed
 * network and a damaged model are clear errors.
 */
class OrtNetTest {

    /** A small convolutional net whose 2-thread run splits its work (64 x 64 map, 16 channels). */
    private static byte[] convNet() {
        OnnxGraph g = new OnnxGraph("t");
        String x = g.input("x", "batch", 8, 64, 64);
        Random r = new Random(3);
        float[] w = new float[16 * 8 * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() / 8;
        }
        long[] one = {1, 1};
        String y = g.node("Relu", g.conv(x, w, new long[] {16, 8, 3, 3}, new float[16], one, new long[] {1, 1, 1, 1},
                one, 1));
        g.output(g.node("GlobalAveragePool", y), "y");
        return g.toBytes();
    }

    private static float[] input(long seed) {
        Random r = new Random(seed);
        float[] v = new float[4 * 8 * 64 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void narrowAndWideLanesRunSideBySideAsAlone() throws Exception {
        float[] x = input(1);
        try (OrtNet net = OrtNet.open(convNet(), "test net"); Lanes a = Lanes.open(2, "a"); Lanes b = Lanes.open(1, "b")) {
            float[] wideAlone = a.call(() -> net.run(x, 4, 8, 64, 64).get(0));
            float[] narrowAlone = b.call(() -> net.run(x, 4, 8, 64, 64).get(0));
            assertTrue(Lanes.width() == 1, "a thread that is no lane runs one-wide");
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 20; round++) {
                    Future<float[]> wide = two.submit(() -> a.call(() -> net.run(x, 4, 8, 64, 64).get(0)));
                    Future<float[]> narrow = two.submit(() -> b.call(() -> net.run(x, 4, 8, 64, 64).get(0)));
                    assertArrayEquals(wideAlone, wide.get(), "round " + round + ", wide lane");
                    assertArrayEquals(narrowAlone, narrow.get(), "round " + round + ", narrow lane");
                }
                float[][] split = new float[2][];
                a.forEach(2, i -> split[i] = net.run(x, 4, 8, 64, 64).get(0), Progress.NONE, 0, 1, "t");
                assertArrayEquals(narrowAlone, split[0], "a narrow lane of the 2-lane analysis");
                assertArrayEquals(narrowAlone, split[1]);
            } finally {
                two.shutdown();
            }
        }
    }

    @Test
    void aClosedNetworkAndADamagedModelAreClearErrors() throws Exception {
        OrtNet net = OrtNet.open(convNet(), "test net");
        net.close();
        try (Lanes c = Lanes.open(2, "c")) {
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> c.call(() -> net.run(input(2), 4, 8, 64, 64)));
            assertTrue(closed.getMessage().contains("test net is closed"), closed.getMessage());
        }
        // a file cut short, as an interrupted copy leaves it
        byte[] damaged = java.util.Arrays.copyOf(convNet(), convNet().length / 2);
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> OrtNet.open(damaged, "the damaged net"));
        assertTrue(e.getMessage().startsWith("ONNX Runtime rejected the damaged net"), e.getMessage());
        assertTrue(e.getMessage().contains("--engine pytorch"), e.getMessage());
    }

    @Test
    void theWideLaneGetsASessionOfItsOwn() throws Exception {
        try (OrtNet net = OrtNet.open(convNet(), "test net"); Lanes a = Lanes.open(2, "w")) {
            assertTrue(a.call(Lanes::width) == 2);
            a.call(() -> net.run(input(3), 4, 8, 64, 64));
            assertTrue(net.sessionWidths().equals(List.of(1, 2)), net.sessionWidths().toString());
        }
    }
}

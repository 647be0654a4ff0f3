package faceattr.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.detect.TfliteInterpreter.Tensor;
import faceattr.engine.Engines;
import faceattr.io.tflite.TfliteModel;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our DJL cascade against an independent interpreter of the original TFLite graphs. The graphs
 * expect the image transposed (tensor axis 1 = image x); {@link CascadeNet} takes the image in its
 * normal orientation, so {@code CascadeNet(X)} must equal {@code graph(transpose(X))} with the
 * output maps transposed back. Odd sizes make TF's SAME pooling pad asymmetrically. Each stage is
 * checked on both inference engines: the DJL blocks, and the ONNX graph they write on ONNX Runtime.
 */
class CascadeParityTest {
    private static final double TOLERANCE = 1e-5;

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

    private static TfliteModel model(String file) throws FaceAttrException {
        return TfliteModel.readResource(CascadeParityTest.class, RfemtcDetector.WEIGHTS + file);
    }

    /** The interpreter's outputs keyed by their last dimension: 2 (softmax), 4 (box), 10 (landmarks). */
    private static Tensor output(List<Tensor> outs, int lastDim) {
        Tensor found = null;
        for (Tensor t : outs) {
            if (t.shape[t.shape.length - 1] == lastDim) {
                assertEquals(null, found, "two graph outputs end with " + lastDim);
                found = t;
            }
        }
        assertTrue(found != null, "no graph output ends with " + lastDim);
        return found;
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        double d = TestInputs.maxAbsDiff(expected, actual);
        System.out.printf("parity %-40s max |diff| = %.3g over %d values%n", what, d, expected.length);
        assertTrue(d <= TOLERANCE, what + ": max abs difference " + d + " > " + TOLERANCE);
    }

    // ---------------------------------------------------------------- P-Net

    private void checkPnet(String name, float[] nchw, int n, int h, int w) throws FaceAttrException {
        Tensor in = new Tensor(new int[] {n, w, h, 3}, TestInputs.toTransposedNhwc(nchw, n, 3, h, w));
        List<Tensor> ref = new TfliteInterpreter(model("pnet.tflite")).run(in);
        Tensor prob2 = output(ref, 2);
        Tensor reg = output(ref, 4);
        // Reference maps are (n, w', h', c) in the transposed frame.
        int mw = prob2.shape[1];
        int mh = prob2.shape[2];
        float[] refProb = new float[n * mh * mw];
        float[] both = TestInputs.fromTransposedNhwc(prob2.data, n, 2, mh, mw);
        for (int b = 0; b < n; b++) {
            System.arraycopy(both, (b * 2 + 1) * mh * mw, refProb, b * mh * mw, mh * mw);
        }
        float[] refReg = TestInputs.fromTransposedNhwc(reg.data, n, 4, mh, mw);

        try (NDManager m = Engines.newManager()) {
            CascadeNet net = RfemtcDetector.load(m, CascadeNet.Stage.PNET, "pnet.tflite", false);
            NDArray x = m.create(FloatBuffer.wrap(nchw), new Shape(n, 3, h, w));
            NDList out = detector.run(net, x);
            assertEquals(2, out.size());
            assertEquals(new Shape(n, mh, mw), out.get(0).getShape(), name + " prob map shape");
            assertEquals(new Shape(n, 4, mh, mw), out.get(1).getShape(), name + " regression shape");
            assertClose("P-Net " + name + " prob", refProb, out.get(0).toFloatArray());
            assertClose("P-Net " + name + " reg", refReg, out.get(1).toFloatArray());
            try (StageNet ort = StageNet.onnxRuntime(net)) {
                float[][] o = ort.run(nchw, n, 3, h, w);
                assertClose("P-Net " + name + " prob, ONNX Runtime", refProb, o[0]);
                assertClose("P-Net " + name + " reg, ONNX Runtime", refReg, o[1]);
            }
        }
    }

    /** @return (n, c, h, w) values as (n, h, w, c) */
    static float[] toNhwc(float[] nchw, int n, int c, int h, int w) {
        float[] out = new float[nchw.length];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < c; k++) {
                for (int i = 0; i < h * w; i++) {
                    out[(b * h * w + i) * c + k] = nchw[(b * c + k) * h * w + i];
                }
            }
        }
        return out;
    }

    @Test
    void pnetNonSquareOddInput() throws FaceAttrException {
        checkPnet("1x3x29x37 noise", TestInputs.noise(11, 3 * 29 * 37), 1, 29, 37);
    }

    @Test
    void pnetSmallestInputGivesOneWindow() throws FaceAttrException {
        checkPnet("1x3x12x12 noise", TestInputs.noise(12, 3 * 12 * 12), 1, 12, 12);
    }

    @Test
    void pnetBatchOfTwoOddByEven() throws FaceAttrException {
        checkPnet("2x3x25x18 noise", TestInputs.noise(13, 2 * 3 * 25 * 18), 2, 25, 18);
    }

    @Test
    void pnetOnARealFace() throws FaceAttrException {
        // The astronaut's head at about 1/6 scale: the face spans roughly P-Net's 12-pixel window.
        float[] x = TestInputs.crop(TestInputs.astronaut(), 130, 40, 200, 240, 41, 33);
        checkPnet("1x3x41x33 astronaut", x, 1, 41, 33);
    }

    /* Even sizes: the pool then needs no padding, and inference may take a different code path. */

    @Test
    void pnetEvenNonSquareInput() throws FaceAttrException {
        checkPnet("1x3x30x40 noise", TestInputs.noise(14, 3 * 30 * 40), 1, 30, 40);
    }

    @Test
    void pnetEvenBatchOfTwo() throws FaceAttrException {
        checkPnet("2x3x24x36 noise", TestInputs.noise(15, 2 * 3 * 24 * 36), 2, 24, 36);
    }

    @Test
    void pnetOnARealFaceEvenSize() throws FaceAttrException {
        float[] x = TestInputs.crop(TestInputs.astronaut(), 130, 40, 200, 240, 42, 34);
        checkPnet("1x3x42x34 astronaut", x, 1, 42, 34);
    }

    // ---------------------------------------------------------------- R-Net and O-Net

    /** A batch of 3: two noise inputs and the astronaut's face, which the reference must call a face. */
    private static float[] batch(int size, long seed) throws FaceAttrException {
        int plane = 3 * size * size;
        float[] x = new float[3 * plane];
        System.arraycopy(TestInputs.noise(seed, 2 * plane), 0, x, 0, 2 * plane);
        RgbImage img = TestInputs.astronaut();
        System.arraycopy(TestInputs.crop(img, 170, 75, 110, 110, size, size), 0, x, 2 * plane, plane);
        return x;
    }

    private void checkDense(CascadeNet.Stage stage, String file, int size, int[] heads) throws FaceAttrException {
        int n = 3;
        float[] nchw = batch(size, 100 + size);
        Tensor in = new Tensor(new int[] {n, size, size, 3}, TestInputs.toTransposedNhwc(nchw, n, 3, size, size));
        List<Tensor> ref = new TfliteInterpreter(model(file)).run(in);
        Tensor prob2 = output(ref, 2);
        assertArrayEquals(new int[] {n, 2}, prob2.shape);
        float[] refProb = new float[n];
        for (int b = 0; b < n; b++) {
            refProb[b] = prob2.data[2 * b + 1];
        }
        // Sanity of the oracle itself: the pretrained net, fed as trained, recognises the face.
        assertTrue(refProb[2] > 0.9, stage + " reference face probability of the astronaut crop: " + refProb[2]);
        System.out.printf("reference %s face probabilities: %s%n", stage, java.util.Arrays.toString(refProb));

        try (NDManager m = Engines.newManager()) {
            CascadeNet net = RfemtcDetector.load(m, stage, file, false);
            NDArray x = m.create(FloatBuffer.wrap(nchw), new Shape(n, 3, size, size));
            NDList out = detector.run(net, x);
            assertEquals(heads.length, out.size());
            assertEquals(new Shape(n), out.get(0).getShape());
            assertClose(stage + " prob", refProb, out.get(0).toFloatArray());
            for (int i = 1; i < heads.length; i++) {
                Tensor r = output(ref, heads[i]);
                assertArrayEquals(new int[] {n, heads[i]}, r.shape);
                assertEquals(new Shape(n, heads[i]), out.get(i).getShape());
                assertClose(stage + " head " + heads[i], r.data, out.get(i).toFloatArray());
            }
            try (StageNet ort = StageNet.onnxRuntime(net)) {
                float[][] o = ort.run(toNhwc(nchw, n, 3, size, size), n, size, size, 3);
                assertEquals(heads.length, o.length);
                assertClose(stage + " prob, ONNX Runtime", refProb, o[0]);
                for (int i = 1; i < heads.length; i++) {
                    assertClose(stage + " head " + heads[i] + ", ONNX Runtime", output(ref, heads[i]).data, o[i]);
                }
            }
        }
    }

    @Test
    void rnetBatchOfThree() throws FaceAttrException {
        checkDense(CascadeNet.Stage.RNET, "rnet.tflite", 24, new int[] {2, 4});
    }

    @Test
    void onetBatchOfThree() throws FaceAttrException {
        checkDense(CascadeNet.Stage.ONET, "onet.tflite", 48, new int[] {2, 4, 10});
    }
}

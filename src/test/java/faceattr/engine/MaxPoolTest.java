package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import faceattr.core.TfPadding;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both pooling forms against a plain-loop TensorFlow max pool, over odd and even sizes. */
class MaxPoolTest {

    /** TF's max pool on one N*C plane stack: windows clipped to the image after TF's padding. */
    private static float[] reference(float[] x, int planes, int h, int w, int k, int s, boolean same) {
        int oh = (int) MaxPool.outputLength(h, k, s, same);
        int ow = (int) MaxPool.outputLength(w, k, s, same);
        int top = same ? TfPadding.same(h, k, s)[0] : 0;
        int left = same ? TfPadding.same(w, k, s)[0] : 0;
        float[] out = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < k; dy++) {
                        for (int dx = 0; dx < k; dx++) {
                            int y = i * s + dy - top;
                            int xx = j * s + dx - left;
                            if (y >= 0 && y < h && xx >= 0 && xx < w) {
                                m = Math.max(m, x[(p * h + y) * w + xx]);
                            }
                        }
                    }
                    out[(p * oh + i) * ow + j] = m;
                }
            }
        }
        return out;
    }

    @Test
    void stridedAndTrainingFormsEqualTensorFlowsPool() throws Exception {
        Random rnd = new Random(7);
        int cases = 0;
        try (NDManager m = Engines.newManager()) {
            for (int h : new int[] {1, 2, 3, 5, 8, 11, 22, 57}) {
                for (int w : new int[] {2, 7, 22, 56}) {
                    for (int k : new int[] {2, 3}) {
                        for (int s : new int[] {1, 2}) {
                            for (boolean same : new boolean[] {true, false}) {
                                if (!same && (h < k || w < k)) {
                                    continue;
                                }
                                float[] x = new float[2 * 3 * h * w];
                                for (int i = 0; i < x.length; i++) {
                                    x[i] = (float) rnd.nextGaussian();
                                }
                                float[] want = reference(x, 6, h, w, k, s, same);
                                String what = h + "x" + w + " k" + k + " s" + s + (same ? " same" : " valid");
                                try (NDManager sub = m.newSubManager()) {
                                    NDArray in = sub.create(x, new Shape(2, 3, h, w));
                                    NDArray fast = MaxPool.strided(in, k, s, same);
                                    NDArray slow = MaxPool.forTraining(in, k, s, same);
                                    Shape shape = new Shape(2, 3, MaxPool.outputLength(h, k, s, same),
                                            MaxPool.outputLength(w, k, s, same));
                                    assertEquals(shape, fast.getShape(), what);
                                    assertEquals(shape, slow.getShape(), what);
                                    assertArrayEquals(want, fast.toFloatArray(), 0f, what);
                                    assertArrayEquals(want, slow.toFloatArray(), 0f, what);
                                    float[] again = in.toFloatArray();
                                    assertArrayEquals(x, again, 0f, "input unchanged: " + what);
                                }
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertEquals(220, cases);
    }
}

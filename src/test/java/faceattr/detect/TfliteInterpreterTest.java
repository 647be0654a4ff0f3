package faceattr.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import faceattr.detect.TfliteInterpreter.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed checks of the reference interpreter's primitives, so that the oracle of
 * {@link CascadeParityTest} is itself tested where TF's conventions are easy to get wrong:
 * asymmetric SAME padding, OHWI filters, memory-order flattening and broadcasting.
 */
class TfliteInterpreterTest {

    private static Tensor t(int[] shape, float... values) {
        return new Tensor(shape, values);
    }

    @Test
    void samePoolPadsOnlyAtTheEndAndNeverPicksPadding() {
        // 3x3 map of -1..-9, pool 2x2 stride 2 SAME: TF pads one row/column after, none before.
        Tensor x = t(new int[] {1, 3, 3, 1}, -1, -2, -3, -4, -5, -6, -7, -8, -9);
        Tensor y = TfliteInterpreter.maxPool(x, 2, 2, 2, 2, "SAME");
        assertArrayEquals(new int[] {1, 2, 2, 1}, y.shape);
        // Windows: rows {0,1},{2} x cols {0,1},{2}; a zero-padded pool would give 0 in the last three.
        assertArrayEquals(new float[] {-1, -3, -7, -9}, y.data);
    }

    @Test
    void pool3x3Stride2SameOnEvenAndOddSizes() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        // 4x4, k3 s2 SAME: out 2, total pad 1, all at the end: rows {0,1,2},{2,3}.
        Tensor y = TfliteInterpreter.maxPool(t(new int[] {1, 4, 4, 1}, v), 3, 3, 2, 2, "SAME");
        assertArrayEquals(new float[] {10, 11, 14, 15}, y.data);
        // VALID on 4x4, k3 s2: a single window rows/cols 0..2.
        Tensor z = TfliteInterpreter.maxPool(t(new int[] {1, 4, 4, 1}, v), 3, 3, 2, 2, "VALID");
        assertArrayEquals(new int[] {1, 1, 1, 1}, z.shape);
        assertArrayEquals(new float[] {10}, z.data);
    }

    @Test
    void convSameStride2PadsAsymmetrically() {
        float[] ones = new float[16];
        java.util.Arrays.fill(ones, 1);
        float[] k = new float[9];
        java.util.Arrays.fill(k, 1);
        Tensor y = TfliteInterpreter.conv2d(t(new int[] {1, 4, 4, 1}, ones), t(new int[] {1, 3, 3, 1}, k),
                t(new int[] {1}, 0.5f), "SAME", 2, 2, 1, 1);
        // Windows rows {0,1,2} / {2,3,pad}: 3x3, 3x2, 2x3, 2x2 ones, plus the bias.
        assertArrayEquals(new int[] {1, 2, 2, 1}, y.shape);
        assertArrayEquals(new float[] {9.5f, 6.5f, 6.5f, 4.5f}, y.data);
    }

    @Test
    void convUsesOhwiFiltersAndNhwcInput() {
        // Input 1x2x2x2: pixel (y, x) holds channels (a, b).
        Tensor x = t(new int[] {1, 2, 2, 2}, 1, 10, 2, 20, 3, 30, 4, 40);
        // Two 2x2 filters: the first reads channel 0 at (0, 1), the second channel 1 at (1, 0).
        float[] w = new float[2 * 2 * 2 * 2];
        w[((0 * 2 + 0) * 2 + 1) * 2 + 0] = 1;
        w[((1 * 2 + 1) * 2 + 0) * 2 + 1] = 2;
        Tensor y = TfliteInterpreter.conv2d(x, t(new int[] {2, 2, 2, 2}, w), null, "VALID", 1, 1, 1, 1);
        assertArrayEquals(new int[] {1, 1, 1, 2}, y.shape);
        assertArrayEquals(new float[] {2, 60}, y.data);
    }

    @Test
    void fullyConnectedFlattensInMemoryOrderPerBatchRow() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        float[] w = new float[2 * 8];
        w[5] = 1; // unit 0 reads flat index 5 = (y 1, x 0, c 1)
        w[8 + 7] = 1; // unit 1 reads flat index 7
        Tensor y = TfliteInterpreter.fullyConnected(t(new int[] {2, 2, 2, 2}, v), t(new int[] {2, 8}, w),
                t(new int[] {2}, 0, 100));
        assertArrayEquals(new int[] {2, 2}, y.shape);
        assertArrayEquals(new float[] {5, 107, 13, 115}, y.data);
    }

    @Test
    void reductionsAndBroadcasting() {
        Tensor x = t(new int[] {2, 3}, 1, 5, 2, -4, -1, -9);
        Tensor max = TfliteInterpreter.reduce(x, new int[] {-1}, true, true);
        assertArrayEquals(new int[] {2, 1}, max.shape);
        assertArrayEquals(new float[] {5, -1}, max.data);
        Tensor sum = TfliteInterpreter.reduce(x, new int[] {1}, false, false);
        assertArrayEquals(new int[] {2}, sum.shape);
        assertArrayEquals(new float[] {8, -14}, sum.data);
        Tensor centred = TfliteInterpreter.binary(x, max, (a, b) -> a - b);
        assertArrayEquals(new float[] {-4, 0, -3, -3, 0, -8}, centred.data);
        Tensor scaled = TfliteInterpreter.binary(t(new int[] {3}, 1, 10, 100), x, (a, b) -> a * b);
        assertArrayEquals(new float[] {1, 50, 200, -4, -10, -900}, scaled.data);
        assertThrows(IllegalArgumentException.class,
                () -> TfliteInterpreter.binary(x, t(new int[] {2}, 1, 2), (a, b) -> a + b));
    }
}

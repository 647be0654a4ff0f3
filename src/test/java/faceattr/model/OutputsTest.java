package faceattr.model;

import faceattr.labels.Task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected age, its spread, and decoding, on cases worked out by hand. */
class OutputsTest {

    private static float[] logits(int bins, float fill) {
        float[] l = new float[bins];
        Arrays.fill(l, fill);
        return l;
    }

    @Test
    void ageMomentsByHand() throws FaceAttrException {
        try (NDManager m = Engines.newManager()) {
            // face 0: half at 20, half at 30 -> mean 25, std 5
            // face 1: 1/4 at 0, 3/4 at 4 -> mean 3, var 1/4*9 + 3/4*1 = 3
            // face 2: uniform over 0..100 -> mean 50, var (101^2 - 1) / 12 = 850
            float[] a = logits(101, -1e4f);
            a[20] = 0f;
            a[30] = 0f;
            float[] b = logits(101, -1e4f);
            b[0] = 0f;
            b[4] = (float) Math.log(3);
            float[] c = logits(101, 2.5f);
            float[] all = new float[303];
            System.arraycopy(a, 0, all, 0, 101);
            System.arraycopy(b, 0, all, 101, 101);
            System.arraycopy(c, 0, all, 202, 101);
            NDList r = Outputs.ageMoments(m.create(all, new Shape(3, 101)));
            assertArrayEquals(new float[] {25f, 3f, 50f}, r.get(0).toFloatArray(), 1e-3f);
            assertArrayEquals(new float[] {5f, (float) Math.sqrt(3), (float) Math.sqrt(850)}, r.get(1).toFloatArray(),
                    1e-3f);
        }
    }

    @Test
    void decodeKeepsTaskOrder() throws FaceAttrException {
        ModelConfig c = ModelConfig.builder().optTaskGroups("age,gender").optAgeBins(3).build();
        try (NDManager m = Engines.newManager()) {
            NDArray age = m.create(new float[] {0f, 0f, -1e4f, -1e4f, -1e4f, 0f}, new Shape(2, 3));
            NDArray gender = m.create(new float[] {0f, (float) Math.log(3), 5f, 5f}, new Shape(2, 2));
            List<Outputs.FaceScores> s = Outputs.decode(c, new NDList(age, gender));
            assertEquals(2, s.size());
            assertEquals(0.5, s.get(0).ageYears(), 1e-5);
            assertEquals(0.5, s.get(0).ageStd(), 1e-5);
            assertEquals(2.0, s.get(1).ageYears(), 1e-5);
            assertArrayEquals(new float[] {0.25f, 0.75f}, s.get(0).probabilities().get(Task.GENDER), 1e-6f);
            assertArrayEquals(new float[] {0.5f, 0.5f}, s.get(1).probabilities().get(Task.GENDER), 1e-6f);
            assertTrue(!s.get(0).probabilities().containsKey(Task.RACE));
        }
    }
}

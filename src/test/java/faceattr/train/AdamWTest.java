package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import faceattr.engine.Engines;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /** One step from zero moments, hand-computed: m = 0.1 g, v = 0.001 g^2, step = lr * sign(g) (eps aside). */
    @Test
    void firstStepMatchesTheFormula() throws Exception {
        try (NDManager m = Engines.newManager()) {
            AdamW adam = new AdamW(m, 0.9, 0.999, 1e-8, 0.0);
            NDArray w = m.create(new float[] {1f, -2f, 3f, 0.5f}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray g = m.create(new float[] {0.5f, -4f, 0f, 2f}, new ai.djl.ndarray.types.Shape(2, 2));
            adam.nextStep();
            adam.update("w", w, g, 0.1);
            assertArrayEquals(new float[] {0.9f, -1.9f, 3f, 0.4f}, w.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void decoupledWeightDecayShrinksMatricesOnly() throws Exception {
        try (NDManager m = Engines.newManager()) {
            AdamW adam = new AdamW(m, 0.9, 0.999, 1e-8, 0.5);
            NDArray matrix = m.create(new float[] {2f, 2f}, new ai.djl.ndarray.types.Shape(1, 2));
            NDArray bias = m.create(new float[] {2f, 2f});
            NDArray zero = m.zeros(new ai.djl.ndarray.types.Shape(1, 2));
            adam.nextStep();
            adam.update("matrix", matrix, zero, 0.1);
            adam.update("bias", bias, m.zeros(new ai.djl.ndarray.types.Shape(2)), 0.1);
            assertArrayEquals(new float[] {1.9f, 1.9f}, matrix.toFloatArray(), 1e-6f); // 2 * (1 - 0.1 * 0.5)
            assertArrayEquals(new float[] {2f, 2f}, bias.toFloatArray(), 0f);
        }
    }

    @Test
    void minimisesAQuadraticAndRestoresItsStateExactly() throws Exception {
        try (NDManager m = Engines.newManager()) {
            float[] target = {3f, -1f, 0.5f};
            AdamW a = new AdamW(m, 0.9, 0.999, 1e-8, 0);
            NDArray w = m.zeros(new ai.djl.ndarray.types.Shape(3));
            for (int i = 0; i < 400; i++) {
                NDArray grad = w.sub(m.create(target)).mul(2);
                a.nextStep();
                a.update("w", w, grad, 0.05);
            }
            assertArrayEquals(target, w.toFloatArray(), 0.02f);
            // save, restore into a new optimizer, continue both: identical
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            a.state().forEach((k, v) -> {
                values.put(k, v.toFloatArray());
                shapes.put(k, v.getShape().getShape());
            });
            AdamW b = new AdamW(m, 0.9, 0.999, 1e-8, 0);
            b.restore(values, shapes, a.step());
            NDArray w2 = w.duplicate();
            NDArray g = m.create(new float[] {0.3f, -0.2f, 0.1f});
            a.nextStep();
            a.update("w", w, g, 0.01);
            b.nextStep();
            b.update("w", w2, g, 0.01);
            assertArrayEquals(w.toFloatArray(), w2.toFloatArray(), 0f);
            assertEquals(a.step(), b.step());
        }
    }
}

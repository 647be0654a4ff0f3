package faceattr.train;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.engine.Engines;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import faceattr.model.MultiTaskNet;
import faceattr.model.loss.MultiTaskLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

/** Training speed for {@code faceattr bench --stage train}. */
public final class StepBenchmark {
    private StepBenchmark() {
    }

    /**
     * The real training step (forward, masked loss, backward, clipping, AdamW) of the default
     * network on random crops with every label, timed after two warm-up steps.
     *
     * @param inputSize the crop side
     * @param batch faces per step
     * @param steps timed steps (the median is reported)
     * @return the median milliseconds per step
     * @throws FaceAttrException when the engine fails
     * @throws IllegalArgumentException when the input size or the batch is out of range
     */
    public static double stepMillis(int inputSize, int batch, int steps) throws FaceAttrException {
        return stepMillis(inputSize, batch, steps, -1);
    }

    /**
     * As {@link #stepMillis(int, int, int)} on a device.
     *
     * @param inputSize the crop side
     * @param batch faces per step
     * @param steps timed steps
     * @param gpu the GPU, or -1 for the CPU
     * @return the median milliseconds per step
     * @throws FaceAttrException when the engine fails
     */
    public static double stepMillis(int inputSize, int batch, int steps, int gpu) throws FaceAttrException {
        double[] t = new double[steps];
        run(inputSize, batch, steps, gpu, 1, t);
        Arrays.sort(t);
        return t[steps / 2];
    }

    /**
     * The loss after {@code steps} training steps on the same random batch, from weights
     * initialised with {@code seed}: the same on every device up to float rounding (the GPU tests
     * compare the CPU's and a GPU's).
     *
     * @param inputSize the crop side
     * @param batch faces per step
     * @param steps steps
     * @param gpu the GPU, or -1 for the CPU
     * @param seed the engine's random seed for the initial weights
     * @return the last step's loss
     * @throws FaceAttrException when the engine fails
     */
    public static double lossAfter(int inputSize, int batch, int steps, int gpu, int seed) throws FaceAttrException {
        return run(inputSize, batch, steps, gpu, seed, new double[steps]);
    }

    /** Runs two warm-up steps and {@code times.length} timed ones; returns the last loss. */
    private static double run(int inputSize, int batch, int steps, int gpu, int seed, double[] times)
            throws FaceAttrException {
        TrainOptions o = TrainOptions.builder().setName("bench").optInputSize(inputSize).optBatch(batch).build();
        Engines.engine().setRandomSeed(seed);
        try (NDManager manager = Engines.newManager(gpu)) {
            MultiTaskNet net = new MultiTaskNet(o.modelConfig());
            net.initialize(manager);
            net.prepareForTraining();
            AdamW adam = new AdamW(manager, 0.9, 0.999, 1e-8, o.weightDecay());
            TrainingStep step = new TrainingStep(net, new ParameterStore(manager, false), MultiTaskLoss.defaults(),
                    adam, o.clipNorm(), manager);
            Random r = new Random(1);
            List<RgbImage> crops = new ArrayList<>();
            List<LabelSet> labels = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                byte[] px = new byte[inputSize * inputSize * 3];
                r.nextBytes(px);
                crops.add(new RgbImage(inputSize, inputSize, px));
                int age = r.nextInt(90);
                labels.add(LabelSet.NONE.withFollowing(Target.AGE, age).with(Target.GENDER, r.nextInt(2))
                        .with(Target.RACE7, r.nextInt(7)).with(Target.EMOTION, r.nextInt(7)));
            }
            double loss = Double.NaN;
            for (int i = -2; i < steps; i++) {
                long t0 = System.nanoTime();
                loss = step.run(crops, labels, 1e-4, 0, 0, new LinkedHashMap<>());
                if (i >= 0) {
                    times[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            return loss;
        }
    }
}

package faceattr.model;

import faceattr.engine.Lanes;
import faceattr.engine.OrtNet;
import faceattr.io.onnx.OnnxGraph;
import faceattr.engine.Autograd;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import java.util.Arrays;
import java.util.Locale;

/**
 * Inference timing of {@link MultiTaskNet} for {@code faceattr bench}: random weights and random
 * input (the speed does not depend on the values), parameters frozen and grad mode off, one
 * sub-manager per batch. Network only: decoding, alignment and the copy of pixels into the input
 * tensor are not included.
 */
public final class Benchmarks {
    /**
     * Minimum warm-up before timed runs, for every benchmark of the project: the JIT, oneDNN's
     * kernels for each new shape and the allocator take seconds to settle. Measured: the
     * 1920x1280 detection ran 150-400 ms for its first ~20 calls, then 135-160 ms; the 224 x 32
     * backbone 236-268 ms after 3 warm-up passes, 232-234 ms after 20.
     */
    public static final long WARM_UP_MS = 4000;

    private Benchmarks() {
    }

    /**
     * One measurement.
     *
     * @param what {@code attributes} (the whole network, on an engine) or {@code backbone}
     *     (MobileNetV3-Large's features alone, on ONNX Runtime: the peer per MAC)
     * @param config the configuration measured
     * @param batch faces per forward pass
     * @param medianMs median wall time of one forward pass
     * @param minMs fastest pass
     * @param maxMs slowest pass
     * @param repeats timed passes
     */
    public record Result(String what, ModelConfig config, int batch, double medianMs, double minMs, double maxMs,
            int repeats) {
        /** @return faces per second at the median */
        public double facesPerSecond() {
            return batch * 1000.0 / medianMs;
        }

        /** @return one line, {@code attributes input=.. batch=.. ms_per_batch=.. faces_per_s=..} */
        public String line() {
            return String.format(Locale.ROOT, "%s input=%d batch=%d ms_per_batch=%.1f min_ms=%.1f max_ms=%.1f "
                    + "faces_per_s=%.1f repeats=%d", what, config.inputSize(), batch, medianMs, minMs, maxMs,
                    facesPerSecond(), repeats);
        }
    }

    /**
     * Times {@code repeats} forward passes after a warm-up (at least 3 passes and
     * {@value #WARM_UP_MS} ms), the network prepared with
     * {@link MultiTaskNet#prepareForInference()} (frozen, BatchNorm folded).
     *
     * @param config the network to build
     * @param batch faces per pass, at least 1
     * @param repeats timed passes, at least 1
     * @return median, min and max
     * @throws FaceAttrException when the engine cannot start
     */
    public static Result attributes(ModelConfig config, int batch, int repeats) throws FaceAttrException {
        return attributes(config, batch, repeats, true);
    }

    /**
     * As {@link #attributes(ModelConfig, int, int)}, optionally without folding BatchNorm (the
     * parameters are frozen either way), to measure what folding gains.
     *
     * @param config the network to build
     * @param batch faces per pass, at least 1
     * @param repeats timed passes, at least 1
     * @param foldBatchNorm whether to fold BatchNorm into the convolutions
     * @return median, min and max
     * @throws FaceAttrException when the engine cannot start
     */
    public static Result attributes(ModelConfig config, int batch, int repeats, boolean foldBatchNorm)
            throws FaceAttrException {
        return attributes(config, batch, repeats, foldBatchNorm, WARM_UP_MS);
    }

    /** As above with a given minimum warm-up time; tests pass 0 (3 warm-up passes only). */
    static Result attributes(ModelConfig config, int batch, int repeats, boolean foldBatchNorm, long warmUpMs)
            throws FaceAttrException {
        if (batch < 1 || repeats < 1) {
            throw new IllegalArgumentException("batch and repeats must be >= 1, got " + batch + ", " + repeats);
        }
        try (NDManager manager = Engines.newManager(); Autograd.Scope noGrad = Autograd.disable()) {
            MultiTaskNet net = new MultiTaskNet(config);
            net.initialize(manager);
            if (foldBatchNorm) {
                net.prepareForInference();
            } else {
                // frozen parameters keep PyTorch from recording a graph even where grad mode is on
                net.freezeParameters(true);
            }
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(net.inputShape(batch));
            long warmStart = System.nanoTime();
            for (int i = 0; i < 3 || System.nanoTime() - warmStart < warmUpMs * 1_000_000L; i++) {
                once(net, ps, input);
            }
            double[] ms = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                once(net, ps, input);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return new Result("attributes", config, batch, ms[repeats / 2], ms[0], ms[repeats - 1], repeats);
        }
    }

    /**
     * Times the network on ONNX Runtime, from the graph {@link MultiTaskNet#toOnnx} writes (random
     * weights), on the wide lane of {@code lanes} (all its threads), including the copy of the
     * input into ONNX Runtime and of the logits out.
     *
     * @param config the network
     * @param batch faces per pass
     * @param repeats timed passes
     * @param lanes the threads
     * @param warmUpMs minimum warm-up
     * @return median, min and max
     * @throws FaceAttrException when an engine cannot start
     */
    public static Result attributesOnnx(ModelConfig config, int batch, int repeats, Lanes lanes, long warmUpMs)
            throws FaceAttrException {
        byte[] model;
        try (NDManager manager = Engines.newManager()) {
            MultiTaskNet net = new MultiTaskNet(config);
            net.initialize(manager);
            net.prepareForInference();
            OnnxGraph g = new OnnxGraph("bench");
            net.toOnnx(g);
            model = g.toBytes();
        }
        return timeOnnx("attributes", model, config, batch, repeats, lanes, warmUpMs);
    }

    /**
     * Times MobileNetV3-Large's bare feature extractor (torchvision's {@code features}) on ONNX
     * Runtime with the same threads: the peer the whole network is compared with per MAC.
     *
     * @param inputSize the input side
     * @param batch images per pass
     * @param repeats timed passes
     * @param lanes the threads
     * @param warmUpMs minimum warm-up
     * @return median, min and max (config: the default with this input size)
     * @throws FaceAttrException when an engine cannot start
     */
    public static Result backboneOnnx(int inputSize, int batch, int repeats, Lanes lanes, long warmUpMs)
            throws FaceAttrException {
        byte[] model;
        try (NDManager manager = Engines.newManager()) {
            MobileNetV3Large b = MobileNetV3Large.full();
            b.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(1, 3, inputSize, inputSize));
            OnnxGraph g = new OnnxGraph("backbone");
            String x = g.input("image", "batch", 3, inputSize, inputSize);
            g.output(b.toOnnx(g, x), "features");
            model = g.toBytes();
        }
        return timeOnnx("backbone", model, ModelConfig.builder().optInputSize(inputSize).build(), batch, repeats,
                lanes, warmUpMs);
    }

    private static Result timeOnnx(String what, byte[] model, ModelConfig config, int batch, int repeats,
            Lanes lanes, long warmUpMs) throws FaceAttrException {
        if (batch < 1 || repeats < 1) {
            throw new IllegalArgumentException("batch and repeats must be >= 1, got " + batch + ", " + repeats);
        }
        int s = config.inputSize();
        float[] input = new float[batch * 3 * s * s];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        try (OrtNet net = OrtNet.open(model, what)) {
            double[] ms = lanes.call(() -> {
                long warmStart = System.nanoTime();
                for (int i = 0; i < 3 || System.nanoTime() - warmStart < warmUpMs * 1_000_000L; i++) {
                    net.run(input, batch, 3, s, s);
                }
                double[] t = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    net.run(input, batch, 3, s, s);
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
                return t;
            });
            Arrays.sort(ms);
            return new Result(what, config, batch, ms[repeats / 2], ms[0], ms[repeats - 1], repeats);
        } catch (FaceAttrException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void once(MultiTaskNet net, ParameterStore ps, NDArray input) {
        try (NDManager sub = input.getManager().newSubManager()) {
            // Ops put their results in their first operand's manager: lend the input to the
            // sub-manager so that every temporary is freed with it; it returns when sub closes.
            input.tempAttach(sub);
            NDList out = net.forward(ps, new NDList(input), false);
            out.attach(sub);
            out.get(0).getFloat(0, 0); // PyTorch's CPU ops are synchronous; this only touches the result
        }
    }

    /**
     * Measures float32 matrix multiplication through the same engine, so network throughput can be
     * read as a fraction of the machine's limit: median of {@code repeats} n x n x n products after
     * two warm-up runs.
     *
     * @param n the matrix side (1024 or 2048 are typical)
     * @param repeats timed runs
     * @return GFLOP/s (2 n^3 flops per product)
     * @throws FaceAttrException when the engine cannot start
     */
    public static double matmulGflops(int n, int repeats) throws FaceAttrException {
        try (ai.djl.ndarray.NDManager m = faceattr.engine.Engines.newManager();
                Autograd.Scope off = Autograd.disable()) {
            ai.djl.ndarray.NDArray a = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(n, n));
            ai.djl.ndarray.NDArray b = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(n, n));
            double[] t = new double[repeats];
            for (int r = -2; r < repeats; r++) {
                try (ai.djl.ndarray.NDManager sub = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    ai.djl.ndarray.NDArray c = a.matMul(b);
                    sub.attachInternal("c", c);
                    c.getFloat(0, 0); // forces completion
                    if (r >= 0) {
                        t[r] = (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
            java.util.Arrays.sort(t);
            return 2.0 * n * n * n / t[repeats / 2] / 1e9;
        }
    }
}

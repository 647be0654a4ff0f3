package faceattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import faceattr.core.RgbImage;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.estimate.AttributeTranslator;
import faceattr.estimate.MultiTaskEstimator;
import faceattr.io.ImageFiles;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.io.safetensors.SafeTensorsWriter;
import faceattr.io.safetensors.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our MobileNetV3-Large against an independent implementation: torchvision's
 * {@code mobilenet_v3_large().features} run by PyTorch in Python ({@link TorchvisionOracle}), with
 * the same weights, in inference mode, on the same inputs: Gaussian noise at 224 and two crops of
 * sample-data/astronaut.png (224 and 112, ImageNet-normalised as the estimator does).
 *
 * <ol>
 *   <li>Our random weights, written by us as safetensors with {@link
 *       MobileNetV3Large#torchvisionParameters()}'s keys and loaded by torchvision (strict).
 *   <li>torchvision's own random state dict, imported by {@link ImageNetImport} into a {@link
 *       MultiTaskNet} with shared and per-group stages.
 *   <li>Negative controls: the same comparisons with one layer's tensors exchanged (as a wrong
 *       mapping would) must fail by far.
 * </ol>
 *
 * Both models have random BatchNorm affine parameters and SE biases, and BatchNorm running
 * statistics measured on the 224 inputs then perturbed per channel (see {@link #randomise} and
 * oracle.py's {@code randomise}), so that every layer's output is of order 1 and depends on the
 * input: with torchvision's init alone the output hardly depends on the early layers, and with
 * larger activations float32 rounding alone (torchvision's own, against float64) exceeds the
 * tolerance. Outputs agree elementwise to {@code max(1e-4, 1e-5 |torchvision|)}, for BatchNorm
 * applied as such and folded into the convolutions ({@link MultiTaskNet#prepareForInference()}).
 * The class prints every comparison's largest differences.
 */
class TorchvisionParityIT {
    private static final double ABS_TOL = 1e-4;
    private static final double REL_TOL = 1e-5;
    /** A wrong mapping must miss torchvision's output by far more than the tolerance. */
    private static final double NEGATIVE_MIN_DIFF = 1e-2;
    private static final int THREADS = 1;

    private static String skipReason;
    private static NDManager manager;
    private static Map<String, Tensor> inputs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws Exception {
        skipReason = TorchvisionOracle.installedOrSkipReason();
        if (skipReason != null) {
            return;
        }
        Models.singleThread();
        manager = Engines.newManager();
        inputs = inputs();
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
            Models.restoreThreads();
        }
    }

    @BeforeEach
    void requireOracle() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    /** Gaussian noise (2 x 224), the astronaut's head and shoulders (224) and face (112). */
    private static Map<String, Tensor> inputs() throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        Random r = new Random(20240611L);
        float[] noise = new float[2 * 3 * 224 * 224];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) r.nextGaussian();
        }
        in.put("noise224", Tensor.f32(new long[] {2, 3, 224, 224}, noise));
        RgbImage astronaut = ImageFiles.read(Path.of("sample-data/astronaut.png"));
        in.put("astronaut224", crop(astronaut, 32, 0, 448, 2));
        in.put("astronaut112", crop(astronaut, 112, 16, 224, 2));
        return in;
    }

    /** A square crop, box-averaged by {@code factor}, ImageNet-normalised, as (1, 3, s, s). */
    private static Tensor crop(RgbImage image, int x0, int y0, int side, int factor) {
        int s = side / factor;
        byte[] rgb = new byte[s * s * 3];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 0;
                    for (int dy = 0; dy < factor; dy++) {
                        for (int dx = 0; dx < factor; dx++) {
                            int rgbAt = image.rgbAt(x0 + x * factor + dx, y0 + y * factor + dy);
                            sum += (rgbAt >> (16 - 8 * c)) & 0xff;
                        }
                    }
                    rgb[(y * s + x) * 3 + c] = (byte) Math.round(sum / (float) (factor * factor));
                }
            }
        }
        float[] x = AttributeTranslator.normalise(List.of(new RgbImage(s, s, rgb)), 255,
                MultiTaskEstimator.IMAGENET_MEAN, MultiTaskEstimator.IMAGENET_STD);
        return Tensor.f32(new long[] {1, 3, s, s}, x);
    }

    // ---------------------------------------------------------------- 1: our weights, torchvision runs them

    @Test
    void ourWeightsGiveTorchvisionsFeatures() throws Exception {
        MobileNetV3Large net = MobileNetV3Large.full();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
        randomise(net, 42);
        Map<String, Tensor> weights = tensors(net.torchvisionParameters());

        Path good = tmp.resolve("ours.safetensors");
        SafeTensorsWriter.write(good, weights, Map.of());
        // Negative controls: one SE's squeeze weights taken from the next layer's SE (same shape),
        // and one BatchNorm's weight and bias exchanged.
        Path seSwapped = tmp.resolve("se-swapped.safetensors");
        SafeTensorsWriter.write(seSwapped, swapped(weights, "features.5.block.2.fc1.weight",
                "features.6.block.2.fc1.weight"), Map.of());
        Path bnSwapped = tmp.resolve("bn-swapped.safetensors");
        SafeTensorsWriter.write(bnSwapped, swapped(weights, "features.9.block.1.1.weight",
                "features.9.block.1.1.bias"), Map.of());

        long t0 = System.nanoTime();
        List<Map<String, Tensor>> tv = TorchvisionOracle.features(List.of(good, seSwapped, bnSwapped), inputs, THREADS);
        long t1 = System.nanoTime();
        Map<String, float[]> plain = forward(net::forward);
        forEachConvBn(net, ConvBn::fold);
        Map<String, float[]> folded;
        try {
            folded = forward(net::forward);
        } finally {
            forEachConvBn(net, ConvBn::unfold);
        }
        log("torchvision ran 3 weight files in %.1f s", (t1 - t0) / 1e9);

        for (String name : inputs.keySet()) {
            Tensor ref = tv.get(0).get(name);
            long[] in = inputs.get(name).shape();
            long side = MobileNetV3Large.outputSide((int) in[2]);
            assertEquals(List.of(in[0], (long) MobileNetV3Large.OUT_CHANNELS, side, side), boxed(ref.shape()), name);
            assertClose(compare(plain.get(name), ref), "ours (BatchNorm) vs torchvision, " + name);
            assertClose(compare(folded.get(name), ref), "ours (BatchNorm folded) vs torchvision, " + name);
            assertFarOff(compare(plain.get(name), tv.get(1).get(name)), "SE fc1 of features.5/6 exchanged, " + name);
            assertFarOff(compare(plain.get(name), tv.get(2).get(name)),
                    "BatchNorm weight/bias of features.9.block.1 exchanged, " + name);
        }
    }

    // ---------------------------------------------------------------- 2: torchvision's weights, imported by us

    @Test
    void importedTorchvisionStateDictGivesTorchvisionsFeatures() throws Exception {
        long t0 = System.nanoTime();
        TorchvisionOracle.RandomModel tv = TorchvisionOracle.randomModel(7, tmp.resolve("torchvision.safetensors"),
                inputs, THREADS);
        log("torchvision made and ran its random model in %.1f s", (System.nanoTime() - t0) / 1e9);
        // Stages 0-4 shared, 5-6 once per task group: the import must fill every copy.
        MultiTaskNet net = new MultiTaskNet(ModelConfig.builder().optInputSize(224).optBranchPoint(5)
                .optTaskGroups("age,gender").build());
        net.initialize(manager);
        ImageNetImport.Report report = ImageNetImport.importBackbone(net, tv.stateDict());
        assertEquals(ImageNetImport.Naming.TORCHVISION, report.naming());
        assertEquals(List.of(), report.missing());
        assertEquals(net.torchvisionParameters().size(), report.loaded().size());
        assertTrue(report.skipped().keySet().stream().anyMatch(k -> k.startsWith("classifier.")), report.summary());
        assertTrue(report.skipped().keySet().stream().allMatch(k -> k.startsWith("classifier.")
                || k.endsWith(".num_batches_tracked")), report.summary());
        assertEquals(2, net.branchBackbones().size());

        net.prepareForInference();
        List<Map<String, float[]>> folded = branchFeatures(net);
        net.prepareForTraining();
        List<Map<String, float[]>> plain = branchFeatures(net);
        for (int g = 0; g < 2; g++) {
            for (String name : inputs.keySet()) {
                Tensor ref = tv.features().get(name);
                assertClose(compare(plain.get(g).get(name), ref), "imported (BatchNorm), branch " + g + ", " + name);
                assertClose(compare(folded.get(g).get(name), ref), "imported (folded), branch " + g + ", " + name);
            }
        }

        // Negative control: the file with two depthwise kernels of the same shape exchanged
        // between features.14 and features.15, as a wrong mapping would load them.
        Map<String, Tensor> file = new LinkedHashMap<>(SafeTensorsReader.read(tv.stateDict()).tensors());
        Path wrong = tmp.resolve("torchvision-swapped.safetensors");
        SafeTensorsWriter.write(wrong, swapped(file, "features.14.block.1.0.weight", "features.15.block.1.0.weight"),
                Map.of());
        ImageNetImport.importBackbone(net, wrong);
        net.prepareForInference();
        List<Map<String, float[]>> wrongOut = branchFeatures(net);
        for (int g = 0; g < 2; g++) {
            for (String name : inputs.keySet()) {
                assertFarOff(compare(wrongOut.get(g).get(name), tv.features().get(name)),
                        "imported with features.14/15 depthwise kernels exchanged, branch " + g + ", " + name);
            }
        }
    }

    /** Every branch's features: shared stages, then that branch's stages. */
    private List<Map<String, float[]>> branchFeatures(MultiTaskNet net) {
        List<Map<String, float[]>> out = new ArrayList<>();
        for (MobileNetV3Large branch : net.branchBackbones()) {
            out.add(forward((ps, x, training) -> branch.forward(ps, net.sharedBackbone().forward(ps, x, training),
                    training)));
        }
        return out;
    }

    // ---------------------------------------------------------------- comparisons

    /**
     * @param maxAbs largest |ours - torchvision|
     * @param maxRel largest |ours - torchvision| / |torchvision| where |torchvision| > 1e-2
     * @param worst largest |ours - torchvision| / tolerance (NaN counts as infinite)
     * @param violations elements over the tolerance
     * @param n elements
     * @param refMaxAbs largest |torchvision|
     */
    record Comparison(double maxAbs, double maxRel, double worst, long violations, long n, double refMaxAbs) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "max |diff| %.3g, max rel %.3g, worst diff/tol %.3g, %d of %d over"
                    + " tolerance, max |ref| %.3g", maxAbs, maxRel, worst, violations, n, refMaxAbs);
        }
    }

    static Comparison compare(float[] ours, Tensor reference) {
        float[] ref = reference.toFloatArray();
        assertEquals(ref.length, ours.length, "element count");
        double maxAbs = 0;
        double maxRel = 0;
        double worst = 0;
        double refMax = 0;
        long violations = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs((double) ours[i] - ref[i]);
            double tol = Math.max(ABS_TOL, REL_TOL * Math.abs(ref[i]));
            if (!(d <= tol)) { // NaN too
                violations++;
            }
            double ratio = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d / tol;
            worst = Math.max(worst, ratio);
            maxAbs = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(maxAbs, d);
            if (Math.abs(ref[i]) > 1e-2) {
                maxRel = Math.max(maxRel, d / Math.abs(ref[i]));
            }
            refMax = Math.max(refMax, Math.abs(ref[i]));
        }
        return new Comparison(maxAbs, maxRel, worst, violations, ref.length, refMax);
    }

    private static void assertClose(Comparison c, String what) {
        log("%s: %s", what, c);
        assertEquals(0, c.violations(), () -> what + ": " + c);
        assertTrue(c.refMaxAbs() > 1, () -> what + ": the reference is nearly zero, the check would be weak: " + c);
    }

    private static void assertFarOff(Comparison c, String what) {
        log("negative control, %s: %s", what, c);
        assertFalse(c.violations() == 0, () -> what + " passed the comparison: " + c);
        assertTrue(c.maxAbs() > NEGATIVE_MIN_DIFF, () -> what + " is too close to torchvision: " + c);
        // not a few elements at the edge of the tolerance: most of the map is off
        assertTrue(c.violations() > c.n() / 2, () -> what + " differs in too few elements: " + c);
    }

    private static void log(String format, Object... args) {
        System.out.println("[torchvision parity] " + String.format(Locale.ROOT, format, args));
    }

    // ---------------------------------------------------------------- our side

    @FunctionalInterface
    private interface Forward {
        NDList apply(ParameterStore ps, NDList x, boolean training);
    }

    /** Runs every input through {@code f} in inference mode; outputs by input name. */
    private static Map<String, float[]> forward(Forward f) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            try (NDManager sub = manager.newSubManager(); Autograd.Scope s = Autograd.disable()) {
                NDArray x = sub.create(e.getValue().toFloatArray(), new Shape(e.getValue().shape()));
                out.put(e.getKey(), f.apply(new ParameterStore(sub, false), new NDList(x), false)
                        .singletonOrThrow().toFloatArray());
            }
        }
        return out;
    }

    /**
     * Random weights for our net, drawn here (independently of oracle.py): He-normal convolution
     * and SE weights, random BatchNorm affine parameters and SE biases; running statistics
     * measured on {@link #calibrationBatch} (a training forward with momentum 1), then perturbed
     * per channel (mean shifted by 0.3 standard deviations, variance scaled by 0.5 .. 2).
     */
    static void randomise(MobileNetV3Large net, long seed) {
        Random r = new Random(seed);
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            long[] shape = a.getShape().getShape();
            float[] v = new float[(int) a.size()];
            switch (p.getValue().getType()) {
                case WEIGHT -> {
                    double std = Math.sqrt(2.0 / (shape[1] * shape[2] * shape[3]));
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (std * r.nextGaussian());
                    }
                }
                case BIAS -> fill(v, () -> (float) (0.2 * r.nextGaussian()));
                case GAMMA -> fill(v, () -> 0.5f + r.nextFloat());
                case BETA -> fill(v, () -> (float) (0.2 * r.nextGaussian()));
                case RUNNING_MEAN -> fill(v, () -> 0f);
                case RUNNING_VAR -> fill(v, () -> 1f);
                default -> throw new IllegalStateException("unexpected parameter " + p.getKey());
            }
            try (Autograd.Scope s = Autograd.disable()) {
                Engines.load(a, v);
            }
        }
        // running statistics: those of a training forward (momentum 1) on the calibration batch
        forEachConvBn(net, c -> c.setMomentum(1f));
        try (NDManager sub = manager.newSubManager(); Autograd.Scope s = Autograd.disable()) {
            Tensor cal = calibrationBatch(inputs);
            NDArray x = sub.create(cal.toFloatArray(), new Shape(cal.shape()));
            net.forward(new ParameterStore(sub, false), new NDList(x), true);
        }
        forEachConvBn(net, c -> c.setMomentum(0.01f));
        forEachConvBn(net, c -> {
            NDArray mean = c.bn().getParameters().get("runningMean").getArray();
            NDArray var = c.bn().getParameters().get("runningVar").getArray();
            float[] m = mean.toFloatArray();
            float[] s2 = var.toFloatArray();
            for (int i = 0; i < m.length; i++) {
                m[i] += (float) (0.3 * Math.sqrt(s2[i]) * r.nextGaussian());
                s2[i] *= 0.5f + 1.5f * r.nextFloat();
            }
            try (Autograd.Scope s = Autograd.disable()) {
                Engines.load(mean, m);
                Engines.load(var, s2);
            }
        });
    }

    /**
     * The inputs of the largest size (in name order, as oracle.py's {@code calibration_batch})
     * as one batch. Running statistics measured on it keep every layer's output on these inputs
     * of order 1 (statistics measured on noise alone let a real image's activations grow to about
     * 70 in features.15, where float32 rounding alone, torchvision's own against float64, exceeds
     * the tolerance).
     */
    static Tensor calibrationBatch(Map<String, Tensor> inputs) {
        long side = inputs.values().stream().mapToLong(t -> t.shape()[2] * t.shape()[3]).max().orElseThrow();
        List<float[]> parts = new ArrayList<>();
        long n = 0;
        long[] shape = null;
        for (String name : new java.util.TreeSet<>(inputs.keySet())) {
            long[] s = inputs.get(name).shape();
            if (s[2] * s[3] == side) {
                parts.add(inputs.get(name).toFloatArray());
                n += s[0];
                shape = s;
            }
        }
        float[] all = new float[(int) (n * 3 * shape[2] * shape[3])];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, o, p.length);
            o += p.length;
        }
        return Tensor.f32(new long[] {n, 3, shape[2], shape[3]}, all);
    }

    private interface FloatSource {
        float next();
    }

    private static void fill(float[] v, FloatSource s) {
        for (int i = 0; i < v.length; i++) {
            v[i] = s.next();
        }
    }

    private static void forEachConvBn(Block b, Consumer<ConvBn> f) {
        if (b instanceof ConvBn c) {
            f.accept(c);
            return;
        }
        for (Pair<String, Block> c : b.getChildren()) {
            forEachConvBn(c.getValue(), f);
        }
    }

    /** Our parameters as safetensors tensors with torchvision's keys. */
    private static Map<String, Tensor> tensors(Map<String, Parameter> byKey) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        byKey.forEach((k, p) -> t.put(k, Tensor.f32(p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
        return t;
    }

    /** A copy of {@code tensors} with the values of two same-shaped keys exchanged. */
    private static Map<String, Tensor> swapped(Map<String, Tensor> tensors, String a, String b) {
        Tensor ta = tensors.get(a);
        Tensor tb = tensors.get(b);
        assertTrue(ta != null && tb != null, a + " and " + b + " must exist");
        assertEquals(boxed(ta.shape()), boxed(tb.shape()), a + " and " + b + " must have the same shape");
        Map<String, Tensor> out = new LinkedHashMap<>(tensors);
        out.put(a, tb);
        out.put(b, ta);
        return out;
    }

    private static List<Long> boxed(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long v : a) {
            l.add(v);
        }
        return l;
    }
}

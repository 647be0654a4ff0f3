package faceattr.analysis;

import faceattr.align.AlignmentTemplate;
import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
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

    private FaceAnalyzer(Lanes lanes, FaceDetector detector, DetectorSettings settings, AttributeEstimator estimator,
            int batchImages) {
        this.lanes = lanes;
        this.detector = detector;
        this.settings = settings;
        this.estimator = estimator;
        this.batchImages = batchImages;
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
        return batch(List.of(new Item(source, image, null)), progress).get(0);
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
        if (sources.size() != images.size()) {
            throw new IllegalArgumentException(sources.size() + " names for " + images.size() + " images");
        }
        List<ImageResult> out = new ArrayList<>(images.size());
        List<Item> chunk = new ArrayList<>();
        long pixels = 0;
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            chunk.add(new Item(sources.get(i), img, null));
            pixels += img.width() * (long) img.height();
            if (chunk.size() >= batchImages || pixels >= BATCH_PIXELS || i == images.size() - 1) {
                out.addAll(batch(chunk, progress));
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
        List<Item> chunk = new ArrayList<>();
        long pixels = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            if (onFile != null) {
                onFile.accept(i, file);
            }
            progress.checkCancelled();
            try {
                RgbImage img = ImageFiles.read(file);
                chunk.add(new Item(file.toString(), img, null));
                pixels += img.width() * (long) img.height();
            } catch (FaceAttrException e) {
                chunk.add(new Item(file.toString(), null, e.getMessage()));
            }
            if (chunk.size() >= batchImages || pixels >= BATCH_PIXELS || i == files.size() - 1) {
                List<ImageResult> results = batch(chunk, progress);
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
     * best-scoring one; when there is none, the {@link AlignmentTemplate}'s landmarks placed in a
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
        List<DetectedFace> faces = new ArrayList<>(boxes.size());
        try {
            for (Box box : boxes) {
                progress.checkCancelled();
                faces.add(faceIn(image, box, progress));
            }
        } catch (CancelledException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            return ImageResult.failed(source, failed(source, "detection", e));
        }
        Item item = new Item(source, image, null);
        List<List<DetectedFace>> found = new ArrayList<>(List.of(faces));
        List<List<FaceAttributes>> attributes = new ArrayList<>(List.of(List.of()));
        String[] failure = new String[1];
        if (estimator != null) {
            estimate(List.of(item), found, attributes, failure, progress);
        }
        return failure[0] != null ? ImageResult.failed(source, failure[0])
                : ImageResult.of(source, found.get(0), attributes.get(0));
    }

    private DetectedFace faceIn(RgbImage rgb, Box box, Progress progress) {
        int mx = (int) (box.width() / 2);
        int my = (int) (box.height() / 2);
        int x0 = (int) Math.max(0, box.x() - mx);
        int y0 = (int) Math.max(0, box.y() - my);
        int x1 = (int) Math.min(rgb.width(), box.x2() + mx);
        int y1 = (int) Math.min(rgb.height(), box.y2() + my);
        byte[] px = new byte[(x1 - x0) * (y1 - y0) * 3];
        for (int y = y0; y < y1; y++) {
            System.arraycopy(rgb.pixels(), (y * rgb.width() + x0) * 3, px, ((y - y0) * (x1 - x0)) * 3, (x1 - x0) * 3);
        }
        DetectedFace best = null;
        for (DetectedFace f : detector.detect(new RgbImage(x1 - x0, y1 - y0, px), progress)) {
            double cx = f.box().x() + f.box().width() / 2 + x0;
            double cy = f.box().y() + f.box().height() / 2 + y0;
            boolean inside = cx >= box.x() && cx <= box.x2() && cy >= box.y() && cy <= box.y2();
            if (inside && (best == null || f.score() > best.score())) {
                best = f;
            }
        }
        if (best != null) {
            double[] lm = best.landmarks().toArray();
            for (int i = 0; i < lm.length; i += 2) {
                lm[i] += x0;
                lm[i + 1] += y0;
            }
            return new DetectedFace(box, best.score(), new Landmarks(lm));
        }
        double side = Math.max(box.width(), box.height());
        double[] t = AlignmentTemplate.forSize(112).toArray();
        double[] lm = new double[10];
        for (int i = 0; i < 10; i += 2) {
            lm[i] = box.x() + (box.width() - side) / 2 + t[i] / 112 * side;
            lm[i + 1] = box.y() + (box.height() - side) / 2 + t[i + 1] / 112 * side;
        }
        return new DetectedFace(box, 0, new Landmarks(lm));
    }

    /** An image of a batch, or the reason it could not be read (then image is null). */
    private record Item(String source, RgbImage image, String unreadable) {
    }

    /** Detects, crops and estimates one batch; failures stay with their image. */
    private List<ImageResult> batch(List<Item> items, Progress progress) {
        List<Integer> readable = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            if (items.get(k).image() != null) {
                readable.add(k);
            }
        }
        String[] failure = new String[items.size()];
        for (int k = 0; k < items.size(); k++) {
            failure[k] = items.get(k).unreadable();
        }
        List<List<DetectedFace>> faces = new ArrayList<>(java.util.Collections.nCopies(items.size(), List.of()));
        detect(items, readable, faces, failure, progress);
        List<List<FaceAttributes>> attributes = new ArrayList<>(java.util.Collections.nCopies(items.size(),
                List.of()));
        if (estimator != null) {
            progress.checkCancelled();
            estimate(items, faces, attributes, failure, progress);
        }
        List<ImageResult> out = new ArrayList<>(items.size());
        for (int k = 0; k < items.size(); k++) {
            out.add(failure[k] != null ? ImageResult.failed(items.get(k).source(), failure[k])
                    : ImageResult.of(items.get(k).source(), faces.get(k), attributes.get(k)));
        }
        return out;
    }

    /** Detection of all readable items in one call; if it fails, one by one to find the culprit. */
    private void detect(List<Item> items, List<Integer> readable, List<List<DetectedFace>> faces, String[] failure,
            Progress progress) {
        try {
            List<List<DetectedFace>> found = detector.detectAll(readable.stream().map(k -> items.get(k).image())
                    .toList(), progress);
            for (int j = 0; j < readable.size(); j++) {
                faces.set(readable.get(j), found.get(j));
            }
            return;
        } catch (CancelledException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            if (readable.size() == 1) {
                failure[readable.get(0)] = failed(items.get(readable.get(0)).source(), "detection", e);
                return;
            }
        }
        for (int k : readable) {
            try {
                faces.set(k, detector.detect(items.get(k).image(), progress));
            } catch (CancelledException e) {
                throw e;
            } catch (RuntimeException | OutOfMemoryError e) {
                failure[k] = failed(items.get(k).source(), "detection", e);
            }
        }
    }

    /**
     * Cuts every face's crop (one conversion per image) and estimates all crops of the batch in
     * one call; if that fails, image by image to find the culprit.
     */
    private void estimate(List<Item> items, List<List<DetectedFace>> faces, List<List<FaceAttributes>> attributes,
            String[] failure, Progress progress) {
        List<List<RgbImage>> crops = new ArrayList<>(java.util.Collections.nCopies(items.size(), List.of()));
        List<Integer> ok = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            if (failure[k] != null || faces.get(k).isEmpty()) {
                continue;
            }
            try {
                crops.set(k, estimator.crops(items.get(k).image(), faces.get(k)));
                ok.add(k);
            } catch (RuntimeException | OutOfMemoryError e) {
                failure[k] = failed(items.get(k).source(), "cutting the face crops", e);
                faces.set(k, List.of());
            }
        }
        if (ok.isEmpty()) {
            return;
        }
        progress.report(0.95, "estimating " + ok.stream().mapToInt(k -> crops.get(k).size()).sum() + " faces");
        try {
            List<RgbImage> all = new ArrayList<>();
            ok.forEach(k -> all.addAll(crops.get(k)));
            List<FaceAttributes> estimated = lanes.call(() -> estimator.estimate(all));
            int at = 0;
            for (int k : ok) {
                int n = crops.get(k).size();
                attributes.set(k, estimated.subList(at, at + n));
                at += n;
            }
            return;
        } catch (CancelledException e) {
            throw e;
        } catch (Exception | OutOfMemoryError e) {
            if (ok.size() == 1) {
                failure[ok.get(0)] = failed(items.get(ok.get(0)).source(), "estimating the attributes", e);
                faces.set(ok.get(0), List.of());
                return;
            }
        }
        for (int k : ok) {
            try {
                List<RgbImage> own = crops.get(k);
                attributes.set(k, lanes.call(() -> estimator.estimate(own)));
            } catch (CancelledException e) {
                throw e;
            } catch (Exception | OutOfMemoryError e) {
                failure[k] = failed(items.get(k).source(), "estimating the attributes", e);
                faces.set(k, List.of());
            }
        }
    }

    private static String failed(String source, String step, Throwable e) {
        String why = e instanceof FaceAttrException fe ? fe.getMessage()
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof OutOfMemoryError) {
            return source + ": " + step + " ran out of memory; downscale the image or give Java more memory (-Xmx)";
        }
        return source + ": " + step + " failed (" + why + "); the other images were analysed. If the image opens "
                + "in other programs, please report this with the image attached";
    }

    @Override
    public void close() {
        try {
            if (estimator != null) {
                estimator.close();
            }
        } finally {
            try {
                detector.close();
            } finally {
                lanes.close();
            }
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
         *     message names the file and what to do)
         */
        public FaceAnalyzer build() throws FaceAttrException {
            Lanes lanes = Lanes.open(threads, "faceattr-analyze");
            FaceDetector d = detector;
            AttributeEstimator e = estimator;
            try {
                if (d == null) {
                    d = RfemtcDetector.create(settings, lanes);
                }
                if (e == null && attributes) {
                    e = store == null ? Estimators.open(model) : Estimators.open(model, store);
                }
                return new FaceAnalyzer(lanes, d, detector == null ? settings : null, e, batchImages);
            } catch (FaceAttrException | RuntimeException ex) {
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

package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.detect.DetectedFace;
import faceattr.detect.DetectorSettings;
import faceattr.detect.FaceDetector;
import faceattr.detect.RfemtcDetector;
import faceattr.estimate.AttributeEstimator;
import faceattr.estimate.FaceAttributes;
import faceattr.ij.FaceRois;
import faceattr.ij.ImageFaces;
import faceattr.ij.RoiZip;
import faceattr.io.FacesCsv;
import faceattr.io.ImageFiles;
import faceattr.io.OverlayRenderer;
import faceattr.reference.Estimators;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code faceattr detect [--min-face PX] [--threshold P] [--max-side PX] [--rfe] [--out DIR]
 * [--overlay] INPUT...}: detection on image files and folders, writing {@code faces.csv},
 * {@code rois/<image>.zip} and optionally {@code overlays/<image>.png} (docs/contracts.md).
 * {@code faceattr analyze} is the same plus {@code --model reference|PATH}: each face's
 * attributes go into the CSV's attribute columns, the ROI properties and the overlay labels.
 */
final class DetectCommand {
    static final String USAGE = "faceattr detect [--min-face PX] [--threshold P] [--max-side PX] [--rfe] "
            + "[--out DIR] [--overlay] INPUT...";
    static final String ANALYZE_USAGE = "faceattr analyze [--model reference|PATH] [--min-face PX] [--threshold P] "
            + "[--max-side PX] [--rfe] [--out DIR] [--overlay] INPUT...";

    private DetectCommand() {
    }

    static DetectorSettings settings(Args a) throws Args.UsageException {
        try {
            return DetectorSettings.builder()
                    .optMinFace(a.number("min-face", DetectorSettings.DEFAULT.minFace()))
                    .optThreshold(a.number("threshold", DetectorSettings.DEFAULT.onetThreshold()))
                    .optMaxSide(a.integer("max-side", DetectorSettings.DEFAULT.maxSide()))
                    .optRfe(a.flag("rfe"))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) throws Args.UsageException {
        return run(argv, out, err, false);
    }

    /**
     * @param analyze also estimate attributes ({@code faceattr analyze})
     */
    static int run(List<String> argv, PrintStream out, PrintStream err, boolean analyze)
            throws Args.UsageException {
        Args a = new Args(argv, analyze ? Set.of("min-face", "threshold", "max-side", "out", "model")
                : Set.of("min-face", "threshold", "max-side", "out"), Set.of("overlay", "rfe"));
        if (a.positional().isEmpty()) {
            throw new Args.UsageException("no INPUT given");
        }
        DetectorSettings settings = settings(a);
        Path outDir = Path.of(a.string("out", "faceattr-results"));
        boolean overlay = a.flag("overlay");

        List<String> failures = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        for (String in : a.positional()) {
            try {
                images.addAll(ImageFiles.listImages(Path.of(in), w -> err.println("warning: " + w)));
            } catch (FaceAttrException e) {
                failures.add(e.getMessage());
            }
        }
        List<List<String>> rows = new ArrayList<>();
        Set<String> usedNames = new HashSet<>();
        CliProgress progress = new CliProgress(err);
        int faces = 0;
        String model = a.string("model", null); // null: the newest installed model, else reference
        try (RfemtcDetector detector = RfemtcDetector.create(settings);
                AttributeEstimator estimator = analyze ? Estimators.open(model) : null) {
            // Images are processed in chunks: R-Net, O-Net and the estimator then run batches that
            // mix the faces of several images (RfemtcDetector.detectAll).
            List<Pending> chunk = new ArrayList<>();
            List<String> header = analyze ? FacesCsv.ANALYZE_COLUMNS : FacesCsv.DETECT_COLUMNS;
            // Ctrl+C (or a kill) keeps what is done: faces.csv is written with the images finished.
            Thread keepDone = new Thread(() -> {
                List<List<String>> done;
                synchronized (rows) {
                    done = new ArrayList<>(rows);
                }
                try {
                    FacesCsv.write(outDir.resolve("faces.csv"), header, done);
                    err.println("\ninterrupted: " + outDir.resolve("faces.csv") + " holds the " + done.size()
                            + " faces of the images finished");
                } catch (FaceAttrException e) {
                    err.println("\ninterrupted, and " + e.getMessage());
                }
            }, "faceattr-keep-done");
            Runtime.getRuntime().addShutdownHook(keepDone);
            long chunkPixels = 0;
            for (int i = 0; i < images.size(); i++) {
                Path file = images.get(i);
                progress.item(String.format("[%d/%d] %s", i + 1, images.size(), file));
                try {
                    RgbImage img = ImageFiles.read(file);
                    chunk.add(new Pending(file, img));
                    chunkPixels += img.width() * (long) img.height();
                } catch (FaceAttrException e) {
                    failures.add(e.getMessage());
                    err.println("error: " + e.getMessage());
                }
                if (chunk.size() >= CHUNK_IMAGES || chunkPixels >= CHUNK_PIXELS || i == images.size() - 1) {
                    faces += process(chunk, detector, estimator, overlay, progress, outDir, usedNames, rows, failures,
                            err);
                    chunk.clear();
                    chunkPixels = 0;
                }
            }
            Runtime.getRuntime().removeShutdownHook(keepDone);
            FacesCsv.write(outDir.resolve("faces.csv"), header, rows);
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        out.printf("%d images, %d faces, %d failed; results in %s%n", images.size() - countImageFailures(failures,
                images), faces, failures.size(), outDir.resolve("faces.csv"));
        if (!failures.isEmpty()) {
            err.println("These inputs failed:");
            failures.forEach(f -> err.println("  " + f));
            return 1;
        }
        return 0;
    }

    /** Most images per chunk. */
    private static final int CHUNK_IMAGES = 8;
    /** Most pixels per chunk: the chunk's images and pyramids stay in memory until it is done. */
    private static final long CHUNK_PIXELS = 16_000_000;

    /** A decoded image of the current chunk. */
    private record Pending(Path file, RgbImage image) {
    }

    /**
     * Detects the chunk's faces (mixed R-Net/O-Net batches), estimates them in one call, then
     * writes each image's rows, ROIs and overlay. A failure is reported for the images concerned
     * and the rest are processed.
     *
     * @return the number of faces written
     */
    private static int process(List<Pending> chunk, FaceDetector detector, AttributeEstimator estimator,
            boolean overlay, CliProgress progress, Path outDir, Set<String> usedNames, List<List<String>> rows,
            List<String> failures, PrintStream err) {
        List<Pending> ok = new ArrayList<>(chunk);
        List<List<DetectedFace>> found;
        try {
            found = new ArrayList<>(detector.detectAll(ok.stream().map(Pending::image).toList(), progress));
        } catch (RuntimeException | OutOfMemoryError e) {
            // Find the image at fault: one by one.
            ok.clear();
            found = new ArrayList<>();
            for (Pending p : chunk) {
                try {
                    found.add(detector.detect(p.image(), progress));
                    ok.add(p);
                } catch (RuntimeException | OutOfMemoryError e1) {
                    fail(failures, err, p.file() + ": detection failed (" + e1 + "); the other inputs are processed");
                }
            }
        }
        List<FaceAttributes> all = List.of();
        if (estimator != null) {
            List<RgbImage> crops = new ArrayList<>();
            for (int k = 0; k < ok.size(); k++) {
                for (DetectedFace f : found.get(k)) {
                    crops.add(estimator.crop(ok.get(k).image(), f));
                }
            }
            try {
                all = estimator.estimate(crops);
            } catch (FaceAttrException | RuntimeException e) {
                for (Pending p : ok) {
                    fail(failures, err, p.file() + ": estimating the attributes failed (" + e.getMessage()
                            + "); the other inputs are processed");
                }
                return 0;
            }
        }
        int at = 0;
        int written = 0;
        for (int k = 0; k < ok.size(); k++) {
            Pending p = ok.get(k);
            List<DetectedFace> faces = found.get(k);
            List<FaceAttributes> attrs = estimator == null ? List.of() : all.subList(at, at + faces.size());
            at += faces.size();
            try {
                write(p.file(), overlay ? p.image() : null, faces, attrs, outDir, uniqueName(p.file(), usedNames),
                        rows);
                written += faces.size();
            } catch (FaceAttrException e) {
                fail(failures, err, e.getMessage());
            }
        }
        return written;
    }

    private static void fail(List<String> failures, PrintStream err, String msg) {
        failures.add(msg);
        err.println("error: " + msg);
    }

    private static void write(Path file, RgbImage overlayOn, List<DetectedFace> found, List<FaceAttributes> attrs,
            Path outDir, String name, List<List<String>> rows) throws FaceAttrException {
        List<List<String>> own = new ArrayList<>();
        for (int k = 0; k < found.size(); k++) {
            List<String> row = new ArrayList<>(FacesCsv.detectValues(file.toString(), k + 1, found.get(k)));
            if (!attrs.isEmpty()) {
                row.addAll(FacesCsv.attributeValues(attrs.get(k)));
            }
            own.add(row);
        }
        RoiZip.write(outDir.resolve("rois").resolve(name + ".zip"),
                FaceRois.toRois(ImageFaces.single(file.getFileName().toString(), found, attrs)));
        synchronized (rows) { // read by the interrupt hook
            rows.addAll(own);
        }
        if (overlayOn != null) {
            List<String> labels = null;
            if (!attrs.isEmpty()) {
                labels = new ArrayList<>();
                for (FaceAttributes fa : attrs) {
                    labels.add(OverlayRenderer.label(fa));
                }
            }
            ImageFiles.writePng(OverlayRenderer.render(overlayOn, found, labels),
                    outDir.resolve("overlays").resolve(name + ".png"));
        }
    }

    private static int countImageFailures(List<String> failures, List<Path> images) {
        int n = 0;
        for (String f : failures) {
            for (Path p : images) {
                if (f.startsWith(p.toString())) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** @return the file name without extension, made unique within this run ("a", "a-2", ...) */
    static String uniqueName(Path file, Set<String> used) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String base = dot > 0 ? n.substring(0, dot) : n;
        String name = base;
        for (int k = 2; !used.add(name); k++) {
            name = base + "-" + k;
        }
        return name;
    }
}

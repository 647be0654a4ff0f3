package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.detect.DetectedFace;
import faceattr.detect.DetectorSettings;
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
            // Images wait in a chunk until their faces fill an estimator batch, so faces of several
            // images share one forward pass; a chunk also ends after CHUNK_IMAGES images.
            List<Pending> chunk = new ArrayList<>();
            int chunkFaces = 0;
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
            for (int i = 0; i < images.size(); i++) {
                Path file = images.get(i);
                progress.item(String.format("[%d/%d] %s", i + 1, images.size(), file));
                try {
                    RgbImage img = ImageFiles.read(file);
                    List<DetectedFace> found = detector.detect(img, progress);
                    List<RgbImage> crops = new ArrayList<>(found.size());
                    if (estimator != null) {
                        for (DetectedFace f : found) {
                            crops.add(estimator.crop(img, f));
                        }
                    }
                    chunk.add(new Pending(file, overlay ? img : null, found, crops));
                    chunkFaces += found.size();
                } catch (FaceAttrException e) {
                    failures.add(e.getMessage());
                    err.println("error: " + e.getMessage());
                } catch (RuntimeException | OutOfMemoryError e) {
                    String msg = file + ": detection failed (" + e + "); the other inputs are processed";
                    failures.add(msg);
                    err.println("error: " + msg);
                }
                if (chunkFaces >= BATCH_FACES || chunk.size() >= CHUNK_IMAGES || i == images.size() - 1) {
                    faces += flush(chunk, estimator, outDir, usedNames, rows, failures, err);
                    chunk.clear();
                    chunkFaces = 0;
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

    /** Faces that fill one estimator batch. */
    private static final int BATCH_FACES = 32;
    /** Most images held in memory waiting for their attributes. */
    private static final int CHUNK_IMAGES = 8;

    /** An image whose faces wait for their attributes; image is kept only for overlays. */
    private record Pending(Path file, RgbImage image, List<DetectedFace> faces, List<RgbImage> crops) {
    }

    /**
     * Estimates the chunk's faces in one call, then writes each image's rows, ROIs and overlay.
     *
     * @return the number of faces written
     */
    private static int flush(List<Pending> chunk, AttributeEstimator estimator, Path outDir, Set<String> usedNames,
            List<List<String>> rows, List<String> failures, PrintStream err) {
        List<FaceAttributes> all = List.of();
        if (estimator != null) {
            List<RgbImage> crops = new ArrayList<>();
            chunk.forEach(p -> crops.addAll(p.crops()));
            try {
                all = estimator.estimate(crops);
            } catch (FaceAttrException | RuntimeException e) {
                for (Pending p : chunk) {
                    String msg = p.file() + ": estimating the attributes failed (" + e.getMessage()
                            + "); the other inputs are processed";
                    failures.add(msg);
                    err.println("error: " + msg);
                }
                return 0;
            }
        }
        int at = 0;
        int written = 0;
        for (Pending p : chunk) {
            List<FaceAttributes> attrs = estimator == null ? List.of() : all.subList(at, at + p.faces().size());
            at += p.faces().size();
            try {
                write(p, attrs, outDir, uniqueName(p.file(), usedNames), rows);
                written += p.faces().size();
            } catch (FaceAttrException e) {
                failures.add(e.getMessage());
                err.println("error: " + e.getMessage());
            }
        }
        return written;
    }

    private static void write(Pending p, List<FaceAttributes> attrs, Path outDir, String name,
            List<List<String>> rows) throws FaceAttrException {
        List<DetectedFace> found = p.faces();
        List<List<String>> own = new ArrayList<>();
        for (int k = 0; k < found.size(); k++) {
            List<String> row = new ArrayList<>(FacesCsv.detectValues(p.file().toString(), k + 1, found.get(k)));
            if (!attrs.isEmpty()) {
                row.addAll(FacesCsv.attributeValues(attrs.get(k)));
            }
            own.add(row);
        }
        RoiZip.write(outDir.resolve("rois").resolve(name + ".zip"),
                FaceRois.toRois(ImageFaces.single(p.file().getFileName().toString(), found, attrs)));
        synchronized (rows) { // read by the interrupt hook
            rows.addAll(own);
        }
        if (p.image() != null) {
            List<String> labels = null;
            if (!attrs.isEmpty()) {
                labels = new ArrayList<>();
                for (FaceAttributes fa : attrs) {
                    labels.add(OverlayRenderer.label(fa));
                }
            }
            ImageFiles.writePng(OverlayRenderer.render(p.image(), found, labels),
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

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
        String model = a.string("model", Estimators.REFERENCE);
        try (RfemtcDetector detector = RfemtcDetector.create(settings);
                AttributeEstimator estimator = analyze ? Estimators.open(model) : null) {
            for (int i = 0; i < images.size(); i++) {
                Path file = images.get(i);
                progress.item(String.format("[%d/%d] %s", i + 1, images.size(), file));
                try {
                    RgbImage img = ImageFiles.read(file);
                    List<DetectedFace> found = detector.detect(img, progress);
                    List<FaceAttributes> attrs = List.of();
                    if (estimator != null) {
                        List<RgbImage> crops = new ArrayList<>(found.size());
                        for (DetectedFace f : found) {
                            crops.add(estimator.crop(img, f));
                        }
                        attrs = estimator.estimate(crops);
                    }
                    faces += found.size();
                    for (int k = 0; k < found.size(); k++) {
                        List<String> row = new ArrayList<>(FacesCsv.detectValues(file.toString(), k + 1, found.get(k)));
                        if (estimator != null) {
                            row.addAll(FacesCsv.attributeValues(attrs.get(k)));
                        }
                        rows.add(row);
                    }
                    String name = uniqueName(file, usedNames);
                    RoiZip.write(outDir.resolve("rois").resolve(name + ".zip"),
                            FaceRois.toRois(ImageFaces.single(file.getFileName().toString(), found, attrs)));
                    if (overlay) {
                        List<String> labels = null;
                        if (estimator != null) {
                            labels = new ArrayList<>();
                            for (FaceAttributes fa : attrs) {
                                labels.add(OverlayRenderer.label(fa));
                            }
                        }
                        ImageFiles.writePng(OverlayRenderer.render(img, found, labels),
                                outDir.resolve("overlays").resolve(name + ".png"));
                    }
                } catch (FaceAttrException e) {
                    failures.add(e.getMessage());
                    err.println("error: " + e.getMessage());
                } catch (RuntimeException | OutOfMemoryError e) {
                    String msg = file + ": " + (analyze ? "analysis" : "detection") + " failed (" + e
                            + "); the other inputs are processed";
                    failures.add(msg);
                    err.println("error: " + msg);
                }
            }
            FacesCsv.write(outDir.resolve("faces.csv"), analyze ? FacesCsv.ANALYZE_COLUMNS : FacesCsv.DETECT_COLUMNS,
                    rows);
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

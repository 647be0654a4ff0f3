package faceattr.cli;

import faceattr.analysis.FaceAnalyzer;
import faceattr.analysis.ImageFaces;
import faceattr.analysis.ImageResult;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.detect.DetectedFace;
import faceattr.detect.DetectorSettings;
import faceattr.estimate.FaceAttributes;
import faceattr.analysis.FaceRoiSet;
import faceattr.io.roi.RoiZipWriter;
import faceattr.analysis.FacesCsv;
import faceattr.io.ImageFiles;
import faceattr.analysis.OverlayRenderer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code faceattr detect [--min-face PX] [--threshold P] [--max-side PX] [--rfe] [--out DIR]
 * [--overlay] INPUT...}: detection on image files and folders, writing {@code faces.csv},
 * {@code rois/<image>.zip} and optionally {@code overlays/<image>.png} (docs/contracts.md).
 * {@link AnalyzeCommand faceattr analyze} is the same plus {@code --model reference|PATH}: each face's
 * attributes go into the CSV's attribute columns, the ROI properties and the overlay labels.
 */
@Command(name = "detect", description = "Detect faces in image files and folders: faces.csv, ROI sets, overlays.")
class DetectCommand extends Subcommand {
    @Mixin
    private DetectorOptions detector;

    @Mixin
    private EngineOption engine;

    @Mixin
    private DeviceOption device;

    @Option(names = "--out", paramLabel = "DIR", description = "Where faces.csv, rois/ and overlays/ go "
            + "(default: ${DEFAULT-VALUE}).")
    private Path outDir = Path.of("faceattr-results");

    @Option(names = "--overlay", description = "Also write overlays/<image>.png with the faces drawn.")
    private boolean overlay;

    @Parameters(paramLabel = "INPUT", arity = "1..*",
            description = "Image files and folders (read recursively, sorted; other files are skipped).")
    private List<Path> inputs;

    @Override
    public Integer call() {
        return run(false, null);
    }

    /**
     * @param analyze also estimate attributes ({@code faceattr analyze})
     * @param model the estimator, or null: the newest installed model, else reference
     */
    int run(boolean analyze, String model) {
        PrintStream out = out();
        PrintStream err = err();
        DetectorSettings settings = detector.settings();

        List<String> failures = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path in : inputs) {
            try {
                images.addAll(ImageFiles.listImages(in, skipped::add));
            } catch (FaceAttrException e) {
                failures.add(e.getMessage());
            }
        }
        List<List<String>> rows = new ArrayList<>();
        Set<String> usedNames = new HashSet<>();
        CliProgress progress = new CliProgress(err);
        int[] faces = new int[1];
        int[] analysed = new int[1];
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
            List<String> failed;
            synchronized (failures) {
                failed = new ArrayList<>(failures);
            }
            if (!failed.isEmpty()) {
                err.println("These inputs failed:");
                failed.forEach(f -> err.println("  " + f));
            }
        }, "faceattr-keep-done");
        try (FaceAnalyzer analyzer = FaceAnalyzer.builder().optDetectorSettings(settings).optAttributes(analyze)
                .optModel(model).optEngine(engine.get()).optDevice(device.inference(engine.get(), err)).build()) {
            Runtime.getRuntime().addShutdownHook(keepDone);
            try {
                analyzer.analyzeFiles(images, progress,
                        (i, file) -> progress.item(String.format("[%d/%d] %s", i + 1, images.size(), file)),
                        (result, image) -> {
                            if (result.isFailed()) {
                                fail(failures, err, result.failure());
                                return;
                            }
                            try {
                                write(result, overlay ? image : null, outDir,
                                        uniqueName(Path.of(result.source()), usedNames), rows);
                                faces[0] += result.faces().size();
                                analysed[0]++;
                            } catch (FaceAttrException e) {
                                fail(failures, err, e.getMessage());
                            }
                        });
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(keepDone);
                } catch (IllegalStateException e) {
                    return 1; // the JVM is shutting down (Ctrl+C after the last image): the hook reports
                }
            }
            FacesCsv.write(outDir.resolve("faces.csv"), header, rows);
        } catch (FaceAttrException e) {
            progress.done();
            err.println("error: " + e.getMessage());
            return 1;
        }
        progress.done();
        out.printf("%d images, %d faces, %d failed%s; results in %s%n", analysed[0], faces[0], failures.size(),
                skippedNote(skipped), outDir.resolve("faces.csv"));
        if (Main.verbose()) {
            skipped.forEach(w -> err.println("  " + w));
        }
        if (!failures.isEmpty()) {
            err.println("These inputs failed:");
            failures.forEach(f -> err.println("  " + f));
            return 1;
        }
        return 0;
    }

    private static void fail(List<String> failures, PrintStream err, String msg) {
        synchronized (failures) { // read by the interrupt hook
            failures.add(msg);
        }
    }

    /**
     * @param skipped one line per file that was not read ("skipped NAME: why")
     * @return empty, or ", N other files skipped (a, b, c, ...)" for the result line
     */
    static String skippedNote(List<String> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        for (String w : skipped.subList(0, Math.min(3, skipped.size()))) {
            String n = w.startsWith("skipped ") ? w.substring("skipped ".length()) : w;
            int colon = n.lastIndexOf(": ");
            names.add(colon > 0 ? n.substring(0, colon) : n);
        }
        return ", " + skipped.size() + (skipped.size() == 1 ? " other file" : " other files") + " skipped ("
                + String.join(", ", names) + (skipped.size() > 3 ? ", ..." : "") + ")";
    }

    private static void write(ImageResult result, RgbImage overlayOn, Path outDir, String name,
            List<List<String>> rows) throws FaceAttrException {
        List<DetectedFace> found = result.faces();
        List<FaceAttributes> attrs = result.attributes();
        Path file = Path.of(result.source());
        List<List<String>> own = FacesCsv.rows(result);
        RoiZipWriter.write(outDir.resolve("rois").resolve(name + ".zip"),
                FaceRoiSet.toRois(ImageFaces.single(file.getFileName().toString(), found, attrs)));
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

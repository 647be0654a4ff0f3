package faceattr.cli;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.data.detection.DetectionKind;
import faceattr.data.detection.DetectionSet;
import faceattr.detect.DetectorSettings;
import faceattr.detect.eval.DetectorEvaluator;
import faceattr.engine.DeviceChoice;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code faceattr eval-detector --data wider:PATH --out REPORT_DIR}: WIDER-style average precision,
 * recall at fixed false positives per image and a precision–recall plot of the face detector
 * (docs/detection-training.md).
 */
@Command(name = "eval-detector", description = "Average precision (IoU 0.5), recall at fixed false positives per "
        + "image and a precision-recall plot of the face detector on an annotated set (docs/detection-training.md).")
final class EvalDetectorCommand extends Subcommand {
    @Option(names = "--data", required = true, paramLabel = "KIND:PATH",
            description = "The annotated set: wider and the WIDER FACE folder (wider_face_split/, WIDER_val/images/).")
    private String data;

    @Option(names = "--out", required = true, paramLabel = "REPORT_DIR",
            description = "Where metrics.json, report.md, precision_recall.png and detections/ go.")
    private Path report;

    @Option(names = "--all", description = "Evaluate every image, not only the validation split.")
    private boolean all;

    @Option(names = "--min-size", paramLabel = "PX", description = "Annotated faces whose shorter side is below this "
            + "are ignored regions (default: ${DEFAULT-VALUE}).")
    private double minSize = DetectionKind.DEFAULT_MIN_SIZE;

    @Option(names = "--min-face", paramLabel = "PX", description = "Smallest face searched for (default: "
            + "${DEFAULT-VALUE}).")
    private double minFace = DetectionKind.DEFAULT_MIN_SIZE;

    @Option(names = "--threshold", paramLabel = "P", description = "O-Net's face probability a detection must exceed; "
            + "low, so that the curve reaches the detector's whole recall (default: ${DEFAULT-VALUE}).")
    private double threshold = DetectorEvaluator.THRESHOLD;

    @Option(names = "--max-side", paramLabel = "PX", description = "Longer images are downscaled for detection "
            + "(default: ${DEFAULT-VALUE}).")
    private int maxSide = DetectorSettings.DEFAULT.maxSide();

    @Option(names = "--rfe", description = "Include the receptive-field enhancement blocks in the nets.")
    private boolean rfe;

    @Mixin
    private DetectorChoiceOption detector;

    @Mixin
    private EngineOption engine;

    @Mixin
    private DeviceOption device;

    @Override
    public Integer call() {
        PrintStream out = out();
        PrintStream err = err();
        DetectionKind.Source source = Checks.usage(spec, () -> DetectionKind.parse(data));
        Checks.check(spec, "--min-size", minSize, v -> v >= 0, "at least 0");
        DetectorSettings settings = Checks.usage(spec, () -> DetectorSettings.builder().optMinFace(minFace)
                .optThreshold(threshold).optMaxSide(maxSide).optRfe(rfe).optDetector(detector.get()).build());
        DeviceChoice where = device.inference(engine.get(), err);
        CliProgress progress = new CliProgress(err);
        try {
            DetectionSet set = source.load(minSize);
            out.println(set.report().summary());
            progress.item("eval-detector");
            DetectorEvaluator.Report r = DetectorEvaluator.run(set, all, settings, engine.get(),
                    where.kind() == DeviceChoice.Kind.GPU ? where.index() : -1, report, progress, err::println);
            progress.done();
            out.println(DetectorEvaluator.summary(r.metrics()));
            out.println("report: " + report.resolve("report.md"));
        } catch (CancelledException e) {
            err.println("cancelled");
            return 1;
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}

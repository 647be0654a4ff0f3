package faceattr.cli;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.data.detection.DetectionKind;
import faceattr.data.detection.DetectionSet;
import faceattr.detect.train.DetectorTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code faceattr train-detector --data wider:PATH --out DIR}: fine-tunes the cascade's
 * receptive-field blocks and heads (or every weight) stage by stage (docs/detection-training.md).
 */
@Command(name = "train-detector", description = "Fine-tune the face detector on an annotated set, stage by stage "
        + "(docs/detection-training.md).")
final class TrainDetectorCommand extends Subcommand {
    @Option(names = "--data", required = true, paramLabel = "KIND:PATH", description = "An annotated set: wider and "
            + "a WIDER FACE folder (also what 'export --format wider' writes), or celeba and CelebA's folder; repeat "
            + "for several.")
    private List<String> data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The detector folder to write.")
    private Path outDir;

    @Option(names = "--stages", paramLabel = "LIST", description = "The stages to train, comma-separated "
            + "(default: pnet,rnet,onet).")
    private String stages = "pnet,rnet,onet";

    @Option(names = "--train", paramLabel = "rfe|all", description = "rfe: the receptive-field blocks and the heads, "
            + "the pretrained cascade frozen (default); all: every weight.")
    private String train = "rfe";

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs per stage (default: ${DEFAULT-VALUE}).")
    private int epochs = DetectorTrainer.Options.defaults().epochs();

    @Option(names = "--batch", paramLabel = "N", description = "Crops per step (default: ${DEFAULT-VALUE}).")
    private int batch = DetectorTrainer.Options.defaults().batch();

    @Option(names = "--lr", paramLabel = "X", description = "AdamW's learning rate (default: ${DEFAULT-VALUE}).")
    private double lr = DetectorTrainer.Options.defaults().lr();

    @Option(names = "--seed", paramLabel = "N", description = "The run's seed (default: ${DEFAULT-VALUE}).")
    private long seed = DetectorTrainer.Options.defaults().seed();

    @Option(names = "--min-size", paramLabel = "PX", description = "Annotated faces smaller than this are ignored "
            + "regions (default: ${DEFAULT-VALUE}).")
    private int minSize = DetectorTrainer.Options.defaults().minSize();

    @Option(names = "--crops-per-face", paramLabel = "N", description = "Positives, and as many part faces, mined "
            + "around each face (default: ${DEFAULT-VALUE}).")
    private int perFace = DetectorTrainer.Options.defaults().perFace();

    @Option(names = "--negatives-per-positive", paramLabel = "N", description = "Random negatives per positive "
            + "(default: ${DEFAULT-VALUE}).")
    private int negativesPerPositive = DetectorTrainer.Options.defaults().negativesPerPositive();

    @Option(names = "--resume", description = "Continue the run whose checkpoint is beside --out (same options and "
            + "data; --epochs may grow).")
    private boolean resume;

    @Mixin
    private DeviceOption device;

    @Override
    public Integer call() {
        PrintStream out = out();
        PrintStream err = err();
        List<DetectionKind.Source> sources = new java.util.ArrayList<>();
        for (String d : data) {
            sources.add(Checks.usage(spec, () -> DetectionKind.parse(d)));
        }
        if (!train.equals("rfe") && !train.equals("all")) {
            throw new ParameterException(spec.commandLine(), "--train must be rfe or all, was " + train);
        }
        List<String> stageList = DetectorTrainer.Options.stages(stages);
        DetectorTrainer.Options o = Checks.usage(spec, () -> new DetectorTrainer.Options(stageList, epochs, batch, lr,
                train.equals("all"), seed, minSize, perFace, negativesPerPositive));
        int gpu = device.training(err);
        CliProgress progress = new CliProgress(err);
        try {
            List<DetectionSet> sets = new java.util.ArrayList<>();
            for (DetectionKind.Source source : sources) {
                DetectionSet s = source.load(minSize);
                out.println(s.report().summary());
                sets.add(s);
            }
            DetectionSet set = DetectionSet.of(sets);
            progress.item("train-detector");
            DetectorTrainer.Result r = new DetectorTrainer(o).run(set, outDir, resume, progress, line -> {
                progress.done();
                out.println(line);
            }, gpu);
            progress.done();
            out.println("detector: " + r.folder() + " (use it with --detector " + r.folder() + ")");
        } catch (CancelledException e) {
            err.println("cancelled; the stages finished so far are in " + outDir + ", and --resume continues after "
                    + "the last finished epoch");
            return 1;
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}

package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.model.io.ModelStore;
import faceattr.reference.Estimators;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code faceattr models [list] | install PATH [--name N] [--replace] | remove NAME}: the installed
 * trained models ({@link ModelStore}; docs/models.md). {@code --dir DIR} uses another store. A
 * store that cannot be read or written is an error (exit code 1).
 */
@Command(name = "models", description = "List, install and remove trained models (docs/models.md); "
        + "no action lists them.")
final class ModelsCommand extends Subcommand {
    @Option(names = "--dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Use this model store instead of the standard one.")
    private Path dir;

    @Override
    public Integer call() {
        return list();
    }

    private ModelStore store() {
        return dir == null ? ModelStore.standard(null) : new ModelStore(dir);
    }

    @Command(name = "list", description = "List the estimators: reference, the installed models, the default.")
    int list() {
        ModelStore store = store();
        out().println("models in " + store.root() + ":");
        out().printf(Locale.ROOT, "  %-24s %s%n", Estimators.REFERENCE,
                "bundled face-api estimators (age, gender, emotion; no race)");
        for (ModelStore.Installed m : store.list()) {
            out().printf(Locale.ROOT, "  %-24s %s, created %s, tasks %s%n", m.name(), m.card().name(),
                    m.card().created(), m.card().labelSpaces().keySet());
        }
        for (String p : store.problems()) {
            err().println("warning: not a usable model: " + p);
        }
        out().println("default: " + Estimators.defaultChoice(store));
        faceattr.detect.DetectorStore detectors = new faceattr.detect.DetectorStore(store);
        out().println("detectors in " + detectors.root() + ":");
        out().printf(Locale.ROOT, "  %-24s %s%n", "pretrained", "the bundled MTCNN cascade (the default)");
        for (String d : detectors.list()) {
            out().printf(Locale.ROOT, "  %s%n", d);
        }
        return 0;
    }

    @Command(name = "install", description = "Copy a trained model folder, or a detector folder of "
            + "train-detector, into the store.")
    int install(@Parameters(paramLabel = "PATH", description = "The model or detector folder.") Path path,
            @Option(names = "--name", paramLabel = "N", description = "Install it under this name "
                    + "(default: the folder's name).") String name,
            @Option(names = "--replace", description = "Replace an installed model of that name.") boolean replace)
            throws FaceAttrException {
        if (java.nio.file.Files.isRegularFile(path.resolve(faceattr.detect.DetectorFolder.CARD))) {
            Path d = new faceattr.detect.DetectorStore(store()).install(path, name, replace);
            out().println("installed detector " + d.getFileName() + " in " + d + " (use it with --detector "
                    + d.getFileName() + ")");
            return 0;
        }
        ModelStore.Installed m = store().install(path, name, replace);
        out().println("installed " + m.name() + " in " + m.dir());
        return 0;
    }

    @Command(name = "export-onnx", description = "Write an estimator, or a detector stage, as an ONNX model "
            + "(opset 17, dynamic batch; label names and input recipe in its metadata; docs/onnx.md).")
    int exportOnnx(@Parameters(paramLabel = "reference|NAME|PATH", arity = "0..1", description = "The estimator: "
            + "reference, an installed model's name, or a model folder.") String model,
            @Option(names = "--stage", paramLabel = "pnet|rnet|onet", description = "Export this stage of the "
                    + "face detector instead of an estimator.") String stage,
            @Option(names = "--rfe", description = "With --stage: include the receptive-field block.") boolean rfe,
            @Option(names = "--out", paramLabel = "FILE", required = true, description = "The .onnx file to write "
                    + "(replaced atomically).") Path out) throws FaceAttrException {
        if ((model == null) == (stage == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give either a model (reference, a name or a folder) or --stage pnet|rnet|onet");
        }
        byte[] bytes;
        String what;
        if (stage != null) {
            try {
                bytes = faceattr.detect.RfemtcDetector.onnx(stage, rfe);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--stage: " + e.getMessage());
            }
            what = "detector stage " + stage + (rfe ? " with RFB" : "");
        } else if (model.equals(Estimators.REFERENCE)) {
            bytes = faceattr.reference.ReferenceEstimator.onnx();
            what = "the reference estimators";
        } else {
            try (faceattr.estimate.AttributeEstimator e = Estimators.open(model, store(),
                    faceattr.engine.InferenceEngine.PYTORCH)) {
                bytes = ((faceattr.estimate.MultiTaskEstimator) e).onnx();
                what = "model '" + e.name() + "'";
            }
        }
        try {
            faceattr.io.AtomicFiles.write(out, tmp -> java.nio.file.Files.write(tmp, bytes));
        } catch (java.io.IOException e) {
            throw new FaceAttrException(out, "cannot write the ONNX file (" + e.getMessage()
                    + "); check the folder exists and is writable", e);
        }
        out().printf(Locale.ROOT, "exported %s to %s (%.1f MB)%n", what, out, bytes.length / 1e6);
        return 0;
    }

    @Command(name = "remove", description = "Remove an installed model, or an installed detector.")
    int remove(@Parameters(paramLabel = "NAME", description = "The model's or detector's name.") String name,
            @Option(names = "--detector", description = "Remove the installed detector of that name.")
            boolean detector) throws FaceAttrException {
        if (detector) {
            new faceattr.detect.DetectorStore(store()).remove(name);
            out().println("removed detector " + name);
            return 0;
        }
        store().remove(name);
        out().println("removed " + name);
        return 0;
    }
}

package faceattr.cli;

import faceattr.detect.DetectorStore;
import faceattr.model.io.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --detector NAME|DIR} of every command that detects faces: an installed detector's name or
 * a detector folder of {@code train-detector}; absent, the pretrained cascade (docs/models.md).
 */
final class DetectorChoiceOption {
    @Option(names = "--detector", paramLabel = "NAME|DIR", description = "A fine-tuned detector: an installed "
            + "detector's name or a train-detector folder (default: the pretrained cascade).")
    private String detector;

    /** @return the detector folder, or null for the pretrained cascade */
    Path get() {
        return new DetectorStore(ModelStore.standard(null)).resolve(detector);
    }
}

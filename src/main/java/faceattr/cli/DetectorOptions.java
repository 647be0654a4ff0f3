package faceattr.cli;

import faceattr.detect.DetectorSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The detector's options of detect, analyze and bench, with DetectorSettings' defaults. */
final class DetectorOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--min-face", paramLabel = "PX",
            description = "Smallest face searched for, in pixels of the image (default: ${DEFAULT-VALUE}).")
    private double minFace = DetectorSettings.DEFAULT.minFace();

    @Option(names = "--threshold", paramLabel = "P",
            description = "Face probability an O-Net face must exceed (default: ${DEFAULT-VALUE}).")
    private double threshold = DetectorSettings.DEFAULT.onetThreshold();

    @Option(names = "--max-side", paramLabel = "PX",
            description = "Longer images are downscaled for detection; results stay in the original's pixels; "
                    + "0 disables it (default: ${DEFAULT-VALUE}).")
    private int maxSide = DetectorSettings.DEFAULT.maxSide();

    @Option(names = "--rfe", description = "Include the receptive-field enhancement blocks in the nets.")
    private boolean rfe;

    @picocli.CommandLine.Mixin
    private DetectorChoiceOption detector;

    /** @return the settings; a value the detector refuses is a usage error */
    DetectorSettings settings() {
        return Checks.usage(spec, () -> DetectorSettings.builder().optMinFace(minFace).optThreshold(threshold)
                .optMaxSide(maxSide).optRfe(rfe).optDetector(detector.get()).build());
    }
}

package faceattr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code faceattr analyze [--model reference|NAME|PATH] [detect's options] INPUT...}: detection,
 * then each face's attributes in the CSV, the ROI properties and the overlay labels.
 */
@Command(name = "analyze", description = "Detect faces and estimate their attributes (age, gender, race, emotion).")
final class AnalyzeCommand extends DetectCommand {
    @Option(names = "--model", paramLabel = "reference|NAME|PATH",
            description = "The estimator: reference, an installed model's name or a model folder "
                    + "(default: the newest installed model, else reference).")
    private String model;

    @Override
    public Integer call() {
        return run(true, model);
    }
}

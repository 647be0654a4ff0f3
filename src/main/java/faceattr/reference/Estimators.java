package faceattr.reference;

import faceattr.core.FaceAttrException;
import faceattr.estimate.AttributeEstimator;
import faceattr.estimate.MultiTaskEstimator;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the estimator a user chose: {@value #REFERENCE} for the bundled face-api estimators, or
 * the path of a trained multi-task model folder. The one place that maps the {@code --model}
 * option and the {@code model} macro key to an estimator.
 */
public final class Estimators {
    /** The value that selects the pretrained reference estimators. */
    public static final String REFERENCE = "reference";

    private Estimators() {
    }

    /**
     * @param choice {@value #REFERENCE} or a model folder
     * @return the estimator; the caller closes it
     * @throws FaceAttrException when the weights or the model folder cannot be loaded; the message
     *     names the folder and what to do
     */
    public static AttributeEstimator open(String choice) throws FaceAttrException {
        if (choice == null || choice.isBlank() || choice.equals(REFERENCE)) {
            return ReferenceEstimator.create();
        }
        Path dir = Path.of(choice);
        if (!Files.isDirectory(dir)) {
            throw new FaceAttrException(dir, "no such model folder; give '" + REFERENCE
                    + "' or the folder of a trained model (it holds model.json)", null);
        }
        return MultiTaskEstimator.open(dir);
    }
}

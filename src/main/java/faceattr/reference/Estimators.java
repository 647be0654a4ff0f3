package faceattr.reference;

import faceattr.engine.InferenceEngine;
import faceattr.core.FaceAttrException;
import faceattr.estimate.AttributeEstimator;
import faceattr.estimate.MultiTaskEstimator;
import faceattr.model.io.ModelFolder;
import faceattr.model.io.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the estimator a user chose: {@value #REFERENCE} for the bundled face-api estimators, the
 * name of an installed trained model ({@link ModelStore}), or the path of a model folder. Without
 * a choice, the newest installed model, else the reference estimators. The one place that maps
 * the {@code --model} option and the {@code model} macro key to an estimator.
 */
public final class Estimators {
    /** The value that selects the pretrained reference estimators. */
    public static final String REFERENCE = "reference";

    private Estimators() {
    }

    /**
     * Opens the estimator for a choice, with the standard model store (outside Fiji).
     *
     * @param choice {@value #REFERENCE}, the name of an installed model, a model folder, or null or
     *     blank for the default ({@link #defaultChoice})
     * @return the estimator; the caller closes it
     * @throws FaceAttrException when the weights or the model cannot be loaded; the message names
     *     the folder and what to do
     */
    public static AttributeEstimator open(String choice) throws FaceAttrException {
        return open(choice, ModelStore.standard(null));
    }

    /**
     * @param choice {@value #REFERENCE}, the name of a model installed in {@code store}, a model
     *     folder, or null or blank for the default ({@link #defaultChoice})
     * @param store the installed models
     * @return the estimator; the caller closes it
     * @throws FaceAttrException when the weights or the model cannot be loaded
     */
    public static AttributeEstimator open(String choice, ModelStore store) throws FaceAttrException {
        return open(choice, store, InferenceEngine.DEFAULT);
    }

    /**
     * @param choice as for {@link #open(String, ModelStore)}
     * @param store the installed models
     * @param engine where the estimator's networks run
     * @return the estimator; the caller closes it
     * @throws FaceAttrException when the weights or the model cannot be loaded
     */
    public static AttributeEstimator open(String choice, ModelStore store, InferenceEngine engine)
            throws FaceAttrException {
        String c = choice == null || choice.isBlank() ? defaultChoice(store) : choice.trim();
        if (c.equals(REFERENCE)) {
            return ReferenceEstimator.create(engine);
        }
        Optional<Path> installed = store.find(c);
        if (installed.isPresent()) {
            return MultiTaskEstimator.open(installed.get(), engine);
        }
        Path dir = Path.of(c);
        if (!Files.isDirectory(dir)) {
            throw new FaceAttrException(dir, "no such model folder, and no installed model of that name in "
                    + store.root() + "; give '" + REFERENCE + "', an installed model's name, or the folder of a "
                    + "trained model (it holds model.json)", null);
        }
        return MultiTaskEstimator.open(dir, engine);
    }

    /**
     * What {@link #open(String, ModelStore, InferenceEngine)} would open, as a string that changes
     * when the estimator would: {@value #REFERENCE}, or the model folder's absolute path with the
     * modification times of its files (a model retrained into the same folder is a new
     * fingerprint). For caches of opened estimators; opens nothing.
     *
     * @param choice as for {@link #open(String, ModelStore)}
     * @param store the installed models
     * @return the fingerprint
     */
    public static String fingerprint(String choice, ModelStore store) {
        String c = choice == null || choice.isBlank() ? defaultChoice(store) : choice.trim();
        if (c.equals(REFERENCE)) {
            return REFERENCE;
        }
        Path dir = store.find(c).orElse(Path.of(c)).toAbsolutePath().normalize();
        StringBuilder f = new StringBuilder(dir.toString());
        for (String file : new String[] {ModelFolder.CARD_FILE, ModelFolder.PARAMETERS_FILE}) {
            try {
                f.append('|').append(Files.getLastModifiedTime(dir.resolve(file)).toMillis());
            } catch (java.io.IOException e) {
                f.append("|-");
            }
        }
        return f.toString();
    }

    /**
     * @param store the installed models
     * @return the newest installed trained model's name, else {@value #REFERENCE}
     */
    public static String defaultChoice(ModelStore store) {
        return store.newest().map(ModelStore.Installed::name).orElse(REFERENCE);
    }
}

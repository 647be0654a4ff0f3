package faceattr.ij;

import faceattr.model.io.ModelStore;
import faceattr.reference.Estimators;
import ij.IJ;
import ij.plugin.PlugIn;

/**
 * Plugins &gt; Face Attributes &gt; Analyze Faces: Detect Faces plus each face's age, age group,
 * gender, race (when the model has it) and emotion, published as ROI properties, Results columns
 * and overlay labels (docs/contracts.md).
 *
 * <p>Macro keys: those of {@link DetectFacesPlugin} plus {@value #KEY_MODEL}: {@value
 * Estimators#REFERENCE} (the bundled face-api estimators), the name of an installed model
 * ({@link #store()}) or the folder of a trained model; without it, the newest installed model,
 * else reference. The choice made in the dialog is remembered between sessions. Example:
 * {@code run("Analyze Faces", "min_face=20 threshold=0.7 model=reference");}
 */
public final class AnalyzeFacesPlugin implements PlugIn {
    /** The menu command. */
    public static final String COMMAND = "Analyze Faces";
    /** Macro key: the estimator. */
    public static final String KEY_MODEL = "model";

    private static final String PREFS = "faceattr.analyze.";

    /** @return the installed models: {@code <ImageJ or Fiji folder>/models/faceattr} (docs/models.md) */
    public static ModelStore store() {
        String ij = IJ.getDirectory("imagej");
        return ModelStore.standard(ij == null ? null : java.nio.file.Path.of(ij));
    }

    @Override
    public void run(String arg) {
        DetectFacesPlugin.execute(COMMAND, PREFS, store());
    }
}

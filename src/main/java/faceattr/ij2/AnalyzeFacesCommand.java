package faceattr.ij2;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Finds the faces of an image and estimates their attributes, for scripts, pyimagej and headless
 * runs (docs/scripting.md). The inputs of {@link DetectFacesCommand} plus {@code model}
 * ({@code reference}, an installed model's name or a model folder; empty: the newest installed
 * model, else reference, as the macro key); output {@code rows}, one map per face keyed by the
 * faces.csv columns.
 */
@Plugin(type = Command.class, headless = true, label = "Analyze Faces (scripting)")
public final class AnalyzeFacesCommand extends FaceCommand {

    @Parameter(label = "Model", persist = false, required = false, description = "reference, an installed "
            + "model's name or a model folder; empty for the newest installed model, else reference")
    private String model = "";

    @Override
    boolean attributes() {
        return true;
    }

    @Override
    String model() {
        return model;
    }

    @Override
    String title() {
        return "Analyze Faces";
    }
}

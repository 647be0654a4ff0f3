package faceattr.ij2;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/**
 * Finds the faces of an image, for scripts, pyimagej and headless runs (docs/scripting.md). Inputs
 * {@code image}, {@code minFace} (default 20), {@code threshold} (0.7), {@code engine}
 * ({@code onnxruntime}); output {@code rows}, one map per face keyed by the faces.csv detection
 * columns. No menu entry: Plugins › Face Attributes › Detect Faces is the ImageJ 1 command.
 */
@Plugin(type = Command.class, headless = true, label = "Detect Faces (scripting)")
public final class DetectFacesCommand extends FaceCommand {

    @Override
    boolean attributes() {
        return false;
    }

    @Override
    String model() {
        return null;
    }

    @Override
    String title() {
        return "Detect Faces";
    }
}

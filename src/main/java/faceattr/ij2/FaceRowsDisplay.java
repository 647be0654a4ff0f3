package faceattr.ij2;

import org.scijava.display.AbstractDisplay;
import org.scijava.display.Display;
import org.scijava.plugin.Plugin;

/**
 * Takes a command's {@link FaceRows} when SciJava post-processes its outputs (a command run with
 * {@code process = true}). Without it, SciJava's display postprocessor would split the list into its
 * values and open a text display for every label of every face (and log a warning for every
 * number). It has no viewer: the rows are for scripts, not shown.
 */
@Plugin(type = Display.class)
public final class FaceRowsDisplay extends AbstractDisplay<FaceRows> {
    /** A display of face rows. */
    public FaceRowsDisplay() {
        super(FaceRows.class);
    }
}

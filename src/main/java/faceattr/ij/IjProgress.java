package faceattr.ij;

import faceattr.core.Progress;
import ij.IJ;

/**
 * The core's {@link Progress} shown in ImageJ's status bar and progress bar; Esc cancels.
 *
 * <p>Work over several parts (the planes of a stack) calls {@link #part(int, int)} before each part,
 * so that the core's per-image fraction fills that part's share of the bar.
 */
public final class IjProgress implements Progress {
    private final String prefix;
    private int part;
    private int parts = 1;

    /**
     * Creates the adapter and clears a pending Esc press, so that an earlier Esc does not cancel
     * this run.
     *
     * @param prefix shown before each status message, e.g. the command name
     */
    public IjProgress(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
        IJ.resetEscape();
    }

    /**
     * Starts a part of the work.
     *
     * @param index the part, 0-based
     * @param count the number of parts, at least 1
     */
    public void part(int index, int count) {
        this.parts = Math.max(1, count);
        this.part = Math.max(0, Math.min(index, parts - 1));
    }

    @Override
    public void report(double fraction, String message) {
        double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        // showProgress hides the bar at 1.0; stay just below until done() is called.
        IJ.showProgress(Math.min((part + f) / parts, 0.999));
        String where = parts > 1 ? " (" + (part + 1) + "/" + parts + ")" : "";
        IJ.showStatus(prefix + where + (message == null || message.isEmpty() ? "" : ": " + message));
    }

    @Override
    public boolean isCancelled() {
        return IJ.escapePressed();
    }

    /**
     * Hides the progress bar and shows a final status message.
     *
     * @param message the message, shown after the prefix
     */
    public void done(String message) {
        IJ.showProgress(1.0);
        IJ.showStatus(prefix + ": " + message);
    }
}

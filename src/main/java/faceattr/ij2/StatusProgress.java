package faceattr.ij2;

import faceattr.core.Progress;
import ij.IJ;
import org.scijava.app.StatusService;

/**
 * The core's {@link Progress} for SciJava commands: progress and messages to the
 * {@link StatusService} (Fiji's status bar), cancelled when the command's thread is interrupted
 * (e.g. {@code future.cancel(true)} from a script or pyimagej) or Esc is pressed in ImageJ.
 */
final class StatusProgress implements Progress {
    private static final int STEPS = 1000;
    private final StatusService status;
    private final String prefix;

    /**
     * Clears a pending Esc press, so that an earlier Esc does not cancel this command.
     *
     * @param status the status service, or null for none
     * @param prefix shown before each message, e.g. the command's name
     */
    StatusProgress(StatusService status, String prefix) {
        this.status = status;
        this.prefix = prefix;
        IJ.resetEscape();
    }

    @Override
    public void report(double fraction, String message) {
        if (status != null) {
            double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
            status.showStatus((int) Math.round(f * STEPS), STEPS, prefix + (message == null || message.isEmpty()
                    ? "" : ": " + message));
        }
    }

    @Override
    public boolean isCancelled() {
        return Thread.currentThread().isInterrupted() || IJ.escapePressed();
    }

    /** Clears the progress bar. */
    void done() {
        if (status != null) {
            status.clearStatus();
        }
    }
}

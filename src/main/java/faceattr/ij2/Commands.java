package faceattr.ij2;

import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;

/** What every command of this package does on an error. */
final class Commands {
    private Commands() {
    }

    /**
     * Ends a command with an error: cancelled with the message as its reason (Fiji shows it; scripts
     * read {@code module.getCancelReason()}), and the message logged once without a stack trace for
     * headless and pyimagej runs. The outputs stay null.
     *
     * @param command the command
     * @param log the log, or null
     * @param message what went wrong and what to do
     */
    static void fail(ContextCommand command, LogService log, String message) {
        command.cancel(message);
        if (log != null) {
            log.error(message);
        }
    }
}

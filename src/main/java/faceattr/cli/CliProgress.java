package faceattr.cli;

import faceattr.core.Progress;
import java.io.PrintStream;

/**
 * Progress as one updating line on stderr ({@code \r}), or, when stderr is not a terminal, a
 * plain line at most every 10 seconds, so short runs print nothing and logs of long runs stay
 * readable. Never cancels: the CLI stops on Ctrl+C, and everything it writes is written
 * atomically. Thread-safe: the analysis reports from its lane threads.
 */
final class CliProgress implements Progress {
    private final PrintStream err;
    private final boolean terminal;
    private String prefix = "";
    private long lastPrint = System.nanoTime();
    private boolean shown;

    CliProgress(PrintStream err) {
        this.err = err;
        this.terminal = System.console() != null;
    }

    /** Sets the text shown before the stage message, e.g. "[3/10] photo.jpg". */
    synchronized void item(String prefix) {
        this.prefix = prefix;
        report(0, "");
    }

    /** Clears the progress line (terminal) before the result line is printed. */
    synchronized void done() {
        if (terminal && shown) {
            err.print("\r" + " ".repeat(100) + "\r");
            shown = false;
        }
    }

    @Override
    public synchronized void report(double fraction, String message) {
        long now = System.nanoTime();
        if (!terminal) {
            // A log file gets a line every 10 seconds, not a carriage-return animation.
            if (now - lastPrint >= 10_000_000_000L) {
                lastPrint = now;
                err.println((prefix + " " + message).trim());
            }
            return;
        }
        if (now - lastPrint < 100_000_000L && fraction < 1) {
            return;
        }
        lastPrint = now;
        String line = String.format("%s %3.0f%% %s", prefix, 100 * fraction, message);
        err.print("\r" + (line.length() > 100 ? line.substring(0, 100) : String.format("%-100s", line)));
        shown = true;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}

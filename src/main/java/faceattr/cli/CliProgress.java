package faceattr.cli;

import faceattr.core.Progress;
import java.io.PrintStream;

/**
 * Progress as one updating line on stderr ({@code \r}), or plain lines when stderr is not a
 * terminal so logs stay readable. Never cancels: the CLI stops on Ctrl+C, and everything it
 * writes is written atomically.
 */
final class CliProgress implements Progress {
    private final PrintStream err;
    private final boolean terminal;
    private String prefix = "";
    private long lastPrint = System.nanoTime();

    CliProgress(PrintStream err) {
        this.err = err;
        this.terminal = System.console() != null;
    }

    /** Sets the text shown before the stage message, e.g. "[3/10] photo.jpg". */
    void item(String prefix) {
        this.prefix = prefix;
        if (!terminal) {
            err.println(prefix);
        }
    }

    @Override
    public void report(double fraction, String message) {
        long now = System.nanoTime();
        if (!terminal) {
            // A log file gets a line every 10 seconds, not a carriage-return animation.
            if (now - lastPrint >= 10_000_000_000L) {
                lastPrint = now;
                err.println(prefix == null ? message : prefix + " " + message);
            }
            return;
        }
        if (now - lastPrint < 100_000_000L && fraction < 1) {
            return;
        }
        lastPrint = now;
        String line = String.format("%s %3.0f%% %s", prefix, 100 * fraction, message);
        err.print("\r" + (line.length() > 100 ? line.substring(0, 100) : String.format("%-100s", line)));
        if (fraction >= 1) {
            err.print("\r" + " ".repeat(100) + "\r");
        }
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}

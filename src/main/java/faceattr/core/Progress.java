package faceattr.core;

/**
 * Progress and cancellation for long work. The core reports through this interface only; the
 * ImageJ layer adapts it to the status bar and Esc, the CLI to a progress line.
 */
public interface Progress {

    /** A listener that ignores progress and never cancels. */
    Progress NONE = new Progress() {
        @Override
        public void report(double fraction, String message) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    /**
     * Reports progress.
     *
     * @param fraction done so far, in [0, 1]
     * @param message a short status text, may be empty
     */
    void report(double fraction, String message);

    /** @return true when the user asked to stop; work then ends by throwing {@link CancelledException} */
    boolean isCancelled();

    /** Throws {@link CancelledException} if cancellation was requested. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException();
        }
    }
}

package faceattr.core;

/** Thrown when a {@link Progress} listener asked to stop; work done before it is kept by the caller. */
public final class CancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a standard message. */
    public CancelledException() {
        super("cancelled by the user");
    }
}

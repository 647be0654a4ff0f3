package faceattr.core;

import java.nio.file.Path;

/**
 * A user-facing failure of the core: the message names the file (when there is one), what went
 * wrong and what to do. The plugin layer shows it with {@code IJ.error}, the CLI on stderr.
 */
public class FaceAttrException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /**
     * @param file the file concerned, or null
     * @param message what went wrong and what to do
     * @param cause the underlying error, or null
     */
    public FaceAttrException(Path file, String message, Throwable cause) {
        super(file == null ? message : file + ": " + message, cause);
        this.file = file;
    }

    /** @param message what went wrong and what to do */
    public FaceAttrException(String message) {
        this(null, message, null);
    }

    /** @return the file concerned, or null */
    public Path file() {
        return file;
    }
}

package faceattr.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One input's outcome on an executor: its {@code images} row and its {@code faces} rows.
 *
 * @param path the input's URI
 * @param width pixels, 0 when it could not be read
 * @param height pixels, 0 when it could not be read
 * @param status {@code ok} or {@code failed}
 * @param error what went wrong and what to do, empty when ok
 * @param faces the faces.csv rows of its faces, values formatted as in faces.csv
 */
record ImageOutput(String path, int width, int height, String status, String error, List<List<String>> faces)
        implements Serializable {
    static final String OK = "ok";
    static final String FAILED = "failed";

    static ImageOutput failed(String path, int width, int height, String error) {
        return new ImageOutput(path, width, height, FAILED, error, List.of());
    }
}

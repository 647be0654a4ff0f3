/**
 * ImageJ ROI files written without ImageJ: {@link faceattr.io.roi.RectRoi} is a named, positioned
 * rectangle with properties, {@link faceattr.io.roi.RectRoiEncoder} turns it into the bytes of a
 * {@code .roi} file (version 228, as ImageJ 1.54p's {@code RoiEncoder} writes a rectangle made with
 * {@code new Roi(double, double, double, double)}), and {@link faceattr.io.roi.RoiZipWriter}
 * writes a ROI set as the ROI Manager saves it (a zip of {@code .roi} entries), atomically. The
 * format follows ImageJ's {@code RoiDecoder} description; the tests compare the bytes with
 * ImageJ's own encoder. Imports only the JDK, {@code faceattr.core} and {@code faceattr.io}.
 * <p>May depend on: core, io.
 */
package faceattr.io.roi;

/**
 * Files in and out of the core. {@link faceattr.io.ImageFiles} reads JPEG, PNG, TIFF, BMP and GIF
 * into the core's 8-bit {@link faceattr.core.RgbImage}, writes PNGs atomically and lists the
 * images of a folder tree; other classes here write results. {@link faceattr.io.Json} and
 * {@link faceattr.io.JsonFields} are the one way the project reads and writes JSON (Gson, with
 * small codecs per file format). Failures are
 * {@link faceattr.core.FaceAttrException}s naming the file. Uses {@code javax.imageio} and
 * {@code java.awt.image} (both work headless), never ImageJ or AWT/Swing GUI classes.
 * Sub-packages read other file formats.
 */
package faceattr.io;

/**
 * Files in and out of the core. {@link faceattr.io.ImageFiles} reads JPEG, PNG, TIFF, BMP and GIF
 * into the core's 8-bit {@link faceattr.core.RgbImage}, writes PNGs atomically and lists the
 * images of a folder tree; {@link faceattr.io.Csv} reads and writes the project's one CSV dialect
 * (through Apache Commons CSV); {@link faceattr.io.Json} and {@link faceattr.io.JsonFields} are the
 * one way the project reads and writes JSON (Gson, with small codecs per file format); other
 * classes here write results. Failures are
 * {@link faceattr.core.FaceAttrException}s naming the file. Uses {@code javax.imageio} and
 * {@code java.awt.image} (both work headless), never ImageJ or AWT/Swing GUI classes.
 * Sub-packages read other file formats.
 * <p>May depend on: core.
 */
package faceattr.io;

/**
 * The ImageJ2 front end: SciJava commands over ImgLib2 images for Fiji scripts, pyimagej and
 * headless runs (docs/scripting.md), thin over {@link faceattr.analysis.FaceAnalyzer}: the
 * commands, the conversion of their {@code image} input, a converter from ImageJ 1 images, and the
 * service that keeps a loaded analyzer between calls. The only package that uses SciJava and
 * ImgLib2.
 *
 * <p>May depend on: ImageJ, core, detect, engine, analysis, reference, model.io, data, train, ij.
 */
package faceattr.ij2;

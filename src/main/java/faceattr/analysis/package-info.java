/**
 * The analysis pipeline, the one entry point from images to faces with attributes:
 * {@link faceattr.analysis.FaceAnalyzer} (detect, cut each image's crops once, estimate; per-image
 * results and failures; its own thread lanes), the immutable
 * {@link faceattr.analysis.ImageResult}, the faces of an ImageJ-style image by plane
 * ({@link faceattr.analysis.ImageFaces}, {@link faceattr.analysis.PlaneFaces}), and the formats
 * of the results that every front end shares: {@code faces.csv} rows
 * ({@link faceattr.analysis.FacesCsv}), ROI values with their properties
 * ({@link faceattr.analysis.FaceRoiSet}) and labelled overlays
 * ({@link faceattr.analysis.OverlayRenderer}). Never imports ImageJ, AWT GUI classes or Swing.
 * <p>May depend on: core, labels, image, engine, io, io.roi, detect, align, model.io, estimate,
 * reference.
 */
package faceattr.analysis;

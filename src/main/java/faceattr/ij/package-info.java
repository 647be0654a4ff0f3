/**
 * The ImageJ 1 layer: thin plugins over the core, and the small classes that turn ImageJ images
 * into core input and core results into ImageJ output.
 *
 * <ul>
 *   <li>{@link faceattr.ij.ImagePlusConverter}: one plane of an {@code ImagePlus}, as displayed, to a
 *       {@link faceattr.core.RgbImage}.</li>
 *   <li>{@link faceattr.ij.ImagePlusConverter#faces}: the core's {@link faceattr.analysis.ImageFaces}
 *       (faces per z/t plane) of an {@code ImagePlus}.</li>
 *   <li>Presenters, which compute nothing: {@link faceattr.ij.FaceRois} (ROI Manager),
 *       {@link faceattr.ij.FaceTable} (Results table), {@link faceattr.ij.FaceOverlay} (image overlay).</li>
 *   <li>Plugins ({@code ij.plugin.PlugIn}, registered in {@code plugins.config}), each a dialog or
 *       macro keys, one call into the core and the presenters: {@link faceattr.ij.DetectFacesPlugin}
 *       and {@link faceattr.ij.AnalyzeFacesPlugin} (through {@link faceattr.analysis.FaceAnalyzer}),
 *       {@link faceattr.ij.ReviewFacesPlugin}, {@link faceattr.ij.ExportFacesPlugin},
 *       {@link faceattr.ij.TrainFaceModelPlugin}, {@link faceattr.ij.EvaluateFaceModelPlugin},
 *       {@link faceattr.ij.ManageModelsPlugin}.</li>
 *   <li>{@link faceattr.ij.IjProgress}: the core's {@link faceattr.core.Progress} shown in the status
 *       bar, cancelled with Esc.</li>
 * </ul>
 *
 * <p>Only this package imports ImageJ. Coordinates in the values are continuous pixel coordinates of
 * the image, origin at the top-left corner of the top-left pixel, the same as ImageJ's area ROIs;
 * the one conversion to ImageJ's pixel-centre convention for point ROIs is in {@link faceattr.ij.FaceOverlay}.
 * <p>May depend on: ImageJ, core, labels, engine, io, io.roi, detect, align, model.io, estimate,
 * reference, analysis, data, data.detection, detect.train, curate, train.
 */
package faceattr.ij;

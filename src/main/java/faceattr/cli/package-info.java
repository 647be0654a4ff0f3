/**
 * The {@code faceattr} command line: the picocli commands ({@link faceattr.cli.FaceattrCommand} and
 * one class per subcommand, each a thin layer over the core), their shared options and checks, and
 * progress lines. Writes ROI zips through {@link faceattr.io.roi.RoiZipWriter} (ImageJ's ROI
 * format, no display needed) and never opens a window.
 * <p>May depend on: core, labels, image, engine, io, io.roi, detect, model, model.io, estimate,
 * reference, analysis, data, data.detection, detect.eval, detect.train, curate, train.
 */
package faceattr.cli;

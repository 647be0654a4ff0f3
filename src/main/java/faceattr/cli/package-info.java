/**
 * The {@code faceattr} command line: argument parsing, progress lines and the subcommands, each
 * a thin layer over the core. Writes ROI zips through {@link faceattr.io.roi.RoiZipWriter} (ImageJ's ROI
 * format, no display needed) and never opens a window.
 */
package faceattr.cli;

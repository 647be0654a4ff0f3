/**
 * The curation loop's core (no Swing, no ImageJ GUI): faces with their labels and review state
 * ({@link ExportFace}), read from an analysis's faces.csv, and their export as a dataset in one of
 * the four formats the trainer reads ({@link DatasetExporter}), or of their images as a WIDER FACE
 * detection set with hard negatives ({@link DetectionExporter}). See docs/export.md.
 * <p>May depend on: core, labels, io, detect, align, analysis, data, data.detection.
 */
package faceattr.curate;

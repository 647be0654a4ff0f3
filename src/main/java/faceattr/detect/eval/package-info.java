/**
 * How well a detector finds the faces of an annotated set: WIDER FACE's precision–recall curve and
 * average precision ({@link PrCurve}), recall at fixed false positives per image, the landmark
 * error, and the report folder ({@link DetectorEvaluator}); docs/detection-training.md.
 * <p>May depend on: core, io, data, data.detection, detect, engine.
 */
package faceattr.detect.eval;

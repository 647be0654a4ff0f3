/**
 * Face detection data: sets of images with their face boxes (and landmarks where a set has them),
 * for fine-tuning and evaluating the detector. {@link DetectionKind} names the formats
 * ({@code wider}: WIDER FACE); each loader gives {@link DetectionSample}s whose faces are either
 * trained on and scored, or ignored regions (marked invalid, or too small) that count neither way,
 * and a {@link faceattr.data.LoadReport} of everything skipped or ignored, by reason. Formats are in
 * docs/detection-training.md.
 * <p>May depend on: core, io, image, align, data, detect.
 */
package faceattr.data.detection;

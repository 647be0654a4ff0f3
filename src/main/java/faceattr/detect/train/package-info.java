/**
 * Fine-tuning the RFEMTC detector (docs/detection-training.md): the training crops of each stage,
 * mined from annotated images by their overlap with the faces ({@link CropMiner}: positives,
 * part faces, negatives, the hard negatives a person marked, ignored regions left out).
 * <p>May depend on: core, io, io.safetensors, engine, data, data.detection, detect, train.
 */
package faceattr.detect.train;

/**
 * Attribute estimation results: {@link faceattr.estimate.FaceAttributes}, the immutable value of
 * one face's age, age group, gender, race and emotion estimates with their probabilities, named
 * and ordered as in {@link faceattr.labels.LabelSpaces} and {@code faces.csv}.
 * <p>May depend on: core, labels, engine, detect, align, io.onnx, model, model.io.
 */
package faceattr.estimate;

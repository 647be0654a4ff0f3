/**
 * The multi-task attribute network: the MobileNetV3-Large backbone as DJL blocks
 * ({@link faceattr.model.MobileNetV3Large}), token attention ({@link faceattr.model.TokenAttention}),
 * task heads and branching ({@link faceattr.model.MultiTaskNet}) configured by
 * {@link faceattr.model.ModelConfig}; the analytic size and cost report
 * ({@link faceattr.model.Architecture}) and the inference benchmark
 * ({@link faceattr.model.Benchmarks}).
 *
 * <p>Imports DJL and {@code faceattr.core}/{@code faceattr.engine} only; never ImageJ, AWT or
 * Swing. Losses live in {@code faceattr.model.loss}, model files and cards in
 * {@code faceattr.model.io}.
 * <p>May depend on: core, labels, engine, io, io.onnx, io.safetensors.
 */
package faceattr.model;

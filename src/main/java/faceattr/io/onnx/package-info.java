/**
 * Writing ONNX models: {@link faceattr.io.onnx.OnnxGraph} builds a graph of standard ONNX
 * operators (opset {@value faceattr.io.onnx.OnnxGraph#OPSET}) with float32 initializers and writes
 * it as a {@code ModelProto} through ONNX's generated protobuf classes
 * ({@code ai.onnx.proto.OnnxMl}); nothing here writes protobuf's wire format by hand. The networks
 * describe themselves in it (their {@code toOnnx} methods); the engine runs the bytes.
 * <p>May depend on: nothing.
 */
package faceattr.io.onnx;

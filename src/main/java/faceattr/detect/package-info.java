/**
 * RFEMTC face detection: the MTCNN cascade (P-Net, R-Net, O-Net) as DJL blocks with optional
 * receptive-field enhancement, the image pyramid, NMS, and the {@link faceattr.detect.DetectedFace}
 * value (box, score, 5 landmarks in pixels of the original image). Never imports ImageJ.
 * <p>May depend on: core, image, engine, io, io.onnx, io.safetensors, io.tflite, model.io.
 */
package faceattr.detect;

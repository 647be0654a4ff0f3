/**
 * The model folder: {@code model.json}, a versioned {@link faceattr.model.io.ModelCard} (name,
 * architecture configuration, input normalisation, label spaces, training summary, metrics and
 * the parameters' SHA-256), and {@code parameters.safetensors}, every parameter as float32.
 * {@link faceattr.model.io.ModelFolder} writes it atomically and reads it back verified; every
 * failure names the file and what to do. See {@code docs/model.md} for the format.
 * <p>May depend on: core, labels, io, io.safetensors.
 */
package faceattr.model.io;

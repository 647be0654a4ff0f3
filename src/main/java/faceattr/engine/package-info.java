/**
 * The inference and training engines in one place: DJL's set-up (offline mode, the context class
 * loader for engine discovery inside Fiji, thread counts, engine facts), the thread lanes every
 * analysis runs on, and {@link faceattr.engine.OrtNet}, a network on ONNX Runtime. Never imports
 * ImageJ.
 * <p>May depend on: core, io.onnx.
 */
package faceattr.engine;

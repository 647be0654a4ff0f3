/**
 * Pretrained reference estimators that work before any training: face-api's TinyXception
 * (age, gender) and its dense-block expression net, rebuilt as DJL blocks and loaded from the
 * original TF.js weights of {@code @vladmandic/face-api@1.7.15}. They implement
 * {@link faceattr.estimate.AttributeEstimator}. May import core, io, engine, labels and estimate;
 * never ImageJ.
 * <p>May depend on: core, labels, image, engine, io.onnx, io.tfjs, detect, model.io, estimate.
 */
package faceattr.reference;

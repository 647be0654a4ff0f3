/**
 * Training the multi-task network: face crops from dataset samples (aligned as they are, others
 * detected, aligned and cached), augmentation, the mixed-dataset sampler, AdamW with a warm-up and
 * cosine schedule, gradient clipping, checks for non-finite values, atomic per-epoch checkpoints
 * with exact resume, early stopping and the best model folder. See docs/training.md. May import
 * everything but ImageJ's GUI.
 * <p>May depend on: core, labels, image, engine, io, io.safetensors, detect, align, model,
 * model.io, model.loss, estimate, data.
 */
package faceattr.train;

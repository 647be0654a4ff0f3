/**
 * Training data: the loaders of UTKFace, FairFace, RAF-DB and our own export ({@link DatasetKind}),
 * each mapping its labels into the product's label spaces with a mask for what it lacks
 * ({@link FaceLabels}); the report of what was used and skipped ({@link LoadReport}); and the
 * documented, seeded splits ({@link Splits}). Formats are in docs/datasets.md. May import core,
 * io, labels, detect and align; never ImageJ.
 * <p>May depend on: core, labels, io, model.loss.
 */
package faceattr.data;

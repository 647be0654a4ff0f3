/**
 * Training data: the loaders of UTKFace, FairFace, RAF-DB and our own export ({@link DatasetKind}),
 * each mapping its labels into the product's label spaces as a {@link faceattr.labels.LabelSet}
 * holding only what the dataset labels; the report of what was used and skipped
 * ({@link LoadReport}); and the documented, seeded splits ({@link Splits}). Formats are in
 * docs/datasets.md. May import core, io and labels; never ImageJ.
 * <p>May depend on: core, labels, io.
 */
package faceattr.data;

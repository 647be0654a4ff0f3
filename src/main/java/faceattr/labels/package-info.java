/**
 * Label spaces: the one place for class names, their order and the maps between datasets.
 * {@link faceattr.labels.LabelSpaces} holds the product's spaces (age bins, FairFace age groups,
 * gender, FairFace race, emotion in the order of {@code docs/contracts.md}), the datasets' own
 * spellings and codes (FairFace, UTKFace, RAF-DB, face-api.js) and the maps between them, such as
 * FairFace's 7 races grouped into UTKFace's 5. {@link faceattr.labels.Task} fixes the order of the
 * network's outputs; a {@link faceattr.labels.Target} is what datasets label and the loss trains
 * (race twice: FairFace's 7 classes and UTKFace's 5, both training the race output), and a
 * {@link faceattr.labels.LabelSet} holds one face's labels, target by target, for the loaders,
 * the review, the export and the trainer alike. Everything here is immutable and imports nothing beyond the JDK.
 * <p>May depend on: nothing.
 */
package faceattr.labels;

/**
 * Face alignment: the {@link faceattr.align.FaceAligner} fits a least-squares
 * {@link faceattr.image.SimilarityTransform} from a detected face's five landmarks to the
 * {@link faceattr.align.AlignmentTemplate} and warps the face into a square crop, the
 * {@link faceattr.align.AlignedFace}. Comes after detection in the data flow: may import
 * {@code faceattr.core}, {@code faceattr.image} and {@code faceattr.detect} (for the landmarks),
 * never ImageJ, AWT or Swing.
 * <p>May depend on: core, image, detect.
 */
package faceattr.align;

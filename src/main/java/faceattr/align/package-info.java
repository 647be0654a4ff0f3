/**
 * Face alignment: the least-squares {@link faceattr.align.SimilarityTransform} from detected
 * landmarks to the {@link faceattr.align.AlignmentTemplate}, the {@link faceattr.align.FaceAligner}
 * that warps the face into a square crop, the resulting {@link faceattr.align.AlignedFace}, and
 * {@link faceattr.align.ImageOps}, the one place that hands pixels to OpenCV.
 *
 * <p>All coordinates are continuous pixel coordinates with the origin at the top-left corner of
 * the top-left pixel (pixel (i, j) covers [i, i+1) x [j, j+1), its centre is (i+0.5, j+0.5)).
 * OpenCV puts pixel centres at integers; {@link faceattr.align.ImageOps} converts between the two,
 * nothing else does.
 *
 * <p>This package never imports ImageJ, AWT or Swing, so it runs headless from scripts and tests.
 */
package faceattr.align;

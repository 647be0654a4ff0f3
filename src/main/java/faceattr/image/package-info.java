/**
 * Pixels and plane geometry shared by every stage: {@link faceattr.image.ImageOps}, the one place
 * that hands pixels to OpenCV (resize, warps, float conversion), and the 2-D
 * {@link faceattr.image.SimilarityTransform}. Imports only {@code faceattr.core} and OpenCV.
 * <p>All coordinates are continuous pixel coordinates with the origin at the top-left corner of
 * the top-left pixel (pixel (i, j) covers [i, i+1) x [j, j+1), its centre is (i+0.5, j+0.5)).
 * OpenCV puts pixel centres at integers; {@link faceattr.image.ImageOps} converts between the two,
 * nothing else does.
 * <p>May depend on: core.
 */
package faceattr.image;

package faceattr.detect.train;

/**
 * What a training crop shows, by its overlap (IoU) with the nearest annotated face (MTCNN's
 * classes): the face classifier learns from positives and negatives, box regression from
 * positives and part faces.
 */
public enum CropKind {
    /** IoU below {@link CropMiner.Options#negativeIou()} with every face: not a face. */
    NEGATIVE,
    /** IoU from {@link CropMiner.Options#partIou()} to below the positive threshold: part of a face. */
    PART,
    /** IoU at least {@link CropMiner.Options#positiveIou()}: a face. */
    POSITIVE
}

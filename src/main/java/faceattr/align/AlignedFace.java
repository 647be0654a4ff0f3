package faceattr.align;

import faceattr.image.SimilarityTransform;
import faceattr.core.RgbImage;
import java.util.Objects;

/**
 * A face warped into a square crop, with the transform that relates crop and source image so
 * that anything found in the crop can be drawn back on the original. Both sides use continuous
 * pixel coordinates with the origin at the top-left corner.
 */
public final class AlignedFace {
    private final RgbImage crop;
    private final SimilarityTransform imageToCrop;
    private final SimilarityTransform cropToImage;

    /**
     * @param crop the square crop
     * @param imageToCrop maps source-image coordinates to crop coordinates
     */
    public AlignedFace(RgbImage crop, SimilarityTransform imageToCrop) {
        Objects.requireNonNull(crop, "crop");
        Objects.requireNonNull(imageToCrop, "imageToCrop");
        if (crop.width() != crop.height()) {
            throw new IllegalArgumentException("aligned crop must be square, got " + crop.width() + "x"
                    + crop.height());
        }
        this.crop = crop;
        this.imageToCrop = imageToCrop;
        this.cropToImage = imageToCrop.inverse();
    }

    /** @return the crop, {@link #size()} pixels square */
    public RgbImage crop() {
        return crop;
    }

    /** @return the crop side in pixels */
    public int size() {
        return crop.width();
    }

    /** @return the transform from source-image to crop coordinates */
    public SimilarityTransform imageToCrop() {
        return imageToCrop;
    }

    /** @return the transform from crop to source-image coordinates */
    public SimilarityTransform cropToImage() {
        return cropToImage;
    }

    /**
     * @param x source-image x
     * @param y source-image y
     * @return the point in crop coordinates
     */
    public double[] toCrop(double x, double y) {
        return imageToCrop.apply(x, y);
    }

    /**
     * @param x crop x
     * @param y crop y
     * @return the point in source-image coordinates
     */
    public double[] toImage(double x, double y) {
        return cropToImage.apply(x, y);
    }

    /**
     * The crop's outline in the source image, e.g. to draw a rotated rectangle ROI.
     *
     * @return 8 numbers: the images of the crop corners (0,0), (size,0), (size,size), (0,size),
     *     in that order, as x, y pairs
     */
    public double[] cropBoxInImage() {
        double s = size();
        return cropToImage.applyAll(new double[] {0, 0, s, 0, s, s, 0, s});
    }
}

package faceattr.estimate;

import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.detect.DetectedFace;
import java.util.ArrayList;
import java.util.List;

/**
 * A test estimator: the crop is the whole image and the age is its first pixel value, so a test
 * can tell which image each result came from; gender is female (p 0.75), emotion happiness. It
 * refuses to crop images whose first pixel is {@code failCrop} and to estimate crops whose first
 * pixel is {@code failEstimate} (-1: never).
 */
public final class PixelAgeEstimator implements AttributeEstimator {
    private final int failCrop;
    private final int failEstimate;

    /** Never fails. */
    public PixelAgeEstimator() {
        this(-1, -1);
    }

    /**
     * @param failCrop first-pixel value whose crop fails, or -1
     * @param failEstimate first-pixel value whose estimation fails, or -1
     */
    public PixelAgeEstimator(int failCrop, int failEstimate) {
        this.failCrop = failCrop;
        this.failEstimate = failEstimate;
    }

    private static int first(RgbImage image) {
        return image.pixels()[0] & 0xff;
    }

    @Override
    public String name() {
        return "stub";
    }

    @Override
    public boolean estimatesRace() {
        return false;
    }

    @Override
    public RgbImage crop(RgbImage image, DetectedFace face) {
        if (first(image) == failCrop) {
            throw new IllegalArgumentException("landmarks are degenerate");
        }
        return image;
    }

    @Override
    public List<FaceAttributes> estimate(List<RgbImage> crops) throws FaceAttrException {
        List<FaceAttributes> out = new ArrayList<>();
        for (RgbImage c : crops) {
            if (first(c) == failEstimate) {
                throw new FaceAttrException("the engine failed on this crop");
            }
            out.add(FaceAttributes.builder().setModel("stub").setAge(first(c), 1)
                    .setAgeGroup(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 0}).setGender(new double[] {0.25, 0.75})
                    .setEmotion(new double[] {0, 1, 0, 0, 0, 0, 0}).build());
        }
        return out;
    }

    @Override
    public void close() {
    }
}

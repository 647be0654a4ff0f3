package faceattr.core;

import java.util.Objects;

/**
 * An 8-bit RGB image held as interleaved bytes (row-major, R G B per pixel), the one image
 * type the core works on. Callers convert from ImageJ, files or OpenCV at the edge.
 *
 * <p>Coordinates everywhere in the core are continuous pixel coordinates of this image with the
 * origin at the top-left corner of the top-left pixel: pixel (i, j) covers [i, i+1) x [j, j+1).
 *
 * <p>The pixel array is not copied on construction (images are large); callers must not mutate
 * it afterwards, and {@link #pixels()} returns the shared array read-only by convention.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb;

    /**
     * Wraps interleaved RGB bytes.
     *
     * @param width the width in pixels, at least 1
     * @param height the height in pixels, at least 1
     * @param rgb {@code width * height * 3} bytes, R G B per pixel, rows top to bottom
     */
    public RgbImage(int width, int height, byte[] rgb) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        Objects.requireNonNull(rgb, "rgb");
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("expected " + (long) width * height * 3 + " bytes for "
                    + width + "x" + height + " RGB, got " + rgb.length);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** Builds an image from packed ARGB ints (as in {@code BufferedImage.getRGB} or ImageJ's ColorProcessor). */
    public static RgbImage fromPackedRgb(int width, int height, int[] argb) {
        if ((long) width * height != argb.length) {
            throw new IllegalArgumentException("expected " + (long) width * height + " pixels, got " + argb.length);
        }
        byte[] out = new byte[argb.length * 3];
        for (int i = 0, o = 0; i < argb.length; i++, o += 3) {
            int c = argb[i];
            out[o] = (byte) (c >> 16);
            out[o + 1] = (byte) (c >> 8);
            out[o + 2] = (byte) c;
        }
        return new RgbImage(width, height, out);
    }

    /** @return the width in pixels */
    public int width() {
        return width;
    }

    /** @return the height in pixels */
    public int height() {
        return height;
    }

    /** @return the shared interleaved RGB bytes; do not modify */
    public byte[] pixels() {
        return rgb;
    }

    /** @return the pixel at (x, y) as packed 0xRRGGBB */
    public int rgbAt(int x, int y) {
        int o = (y * width + x) * 3;
        return ((rgb[o] & 0xff) << 16) | ((rgb[o + 1] & 0xff) << 8) | (rgb[o + 2] & 0xff);
    }

    /** @return the pixels as packed 0xFFRRGGBB ints */
    public int[] toPackedRgb() {
        int[] out = new int[width * height];
        for (int i = 0, o = 0; i < out.length; i++, o += 3) {
            out[i] = 0xff000000 | ((rgb[o] & 0xff) << 16) | ((rgb[o + 1] & 0xff) << 8) | (rgb[o + 2] & 0xff);
        }
        return out;
    }
}

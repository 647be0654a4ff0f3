package faceattr.align;

import faceattr.detect.Landmarks;

/**
 * Where the five landmarks should sit in a square aligned crop: the widely used ArcFace 112x112
 * template, scaled to the crop size. Points are in {@link Landmarks} order (left eye, right eye,
 * nose, left mouth corner, right mouth corner).
 *
 * <p>Convention: the published numbers are taken as the project's continuous coordinates (origin
 * at the top-left corner of the crop), not as OpenCV pixel-centre coordinates. They are
 * symmetric about x = 56 = 112/2 (eye midpoint 55.91, nose 56.03), which is the crop centre in
 * corner-origin coordinates, and scaling about the corner then keeps that centre for every size.
 * Pipelines that feed the same numbers to OpenCV as pixel-centre coordinates produce crops that
 * differ from ours by half a pixel of translation; attribute models do not notice that.
 */
public final class AlignmentTemplate {
    /** Side of the crop the published template is defined for. */
    public static final int REFERENCE_SIZE = 112;
    /** Smallest crop side {@link #forSize(int)} accepts; below it the landmarks merge. */
    public static final int MIN_SIZE = 16;

    private static final double[] ARCFACE_112 = {
        38.2946, 51.6963,
        73.5318, 51.5014,
        56.0252, 71.7366,
        41.5493, 92.3655,
        70.7299, 92.2041,
    };

    private final int size;
    private final double[] xy;

    private AlignmentTemplate(int size, double[] xy) {
        this.size = size;
        this.xy = xy;
    }

    /**
     * @param size the crop side in pixels, at least {@link #MIN_SIZE}
     * @return the template scaled by {@code size / 112} about the crop's top-left corner
     */
    public static AlignmentTemplate forSize(int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("aligned crop size must be at least " + MIN_SIZE + " pixels, got "
                    + size);
        }
        double s = size / (double) REFERENCE_SIZE;
        double[] xy = new double[ARCFACE_112.length];
        for (int i = 0; i < xy.length; i++) {
            xy[i] = ARCFACE_112[i] * s;
        }
        return new AlignmentTemplate(size, xy);
    }

    /** @return the crop side this template is scaled for */
    public int size() {
        return size;
    }

    /**
     * @param i the point index, 0 to 4 in {@link Landmarks} order
     * @return x of point i in crop coordinates
     */
    public double x(int i) {
        return xy[2 * i];
    }

    /**
     * @param i the point index, 0 to 4 in {@link Landmarks} order
     * @return y of point i in crop coordinates
     */
    public double y(int i) {
        return xy[2 * i + 1];
    }

    /** @return a copy of the 10 numbers x0, y0, ... x4, y4 */
    public double[] toArray() {
        return xy.clone();
    }

    /** @return the points as {@link Landmarks}, in crop coordinates */
    public Landmarks toLandmarks() {
        return new Landmarks(xy);
    }
}

package faceattr.detect;

import java.util.Arrays;

/**
 * The five facial landmarks in image pixels (origin top-left), in MTCNN's order: left eye,
 * right eye, nose, left mouth corner, right mouth corner. "Left" is the subject's left as seen
 * in the image, i.e. the point with the smaller x in an upright frontal face.
 */
public final class Landmarks {
    /** Number of points. */
    public static final int COUNT = 5;
    /** Names of the points, in order; used as CSV column prefixes. */
    public static final String[] NAMES = {"left_eye", "right_eye", "nose", "mouth_left", "mouth_right"};

    private final double[] xy;

    /** @param xy 10 numbers: x0, y0, x1, y1, ... in the order of {@link #NAMES}; copied */
    public Landmarks(double[] xy) {
        if (xy.length != 2 * COUNT) {
            throw new IllegalArgumentException("landmarks need 10 numbers, got " + xy.length);
        }
        this.xy = xy.clone();
    }

    /** @return x of point i */
    public double x(int i) {
        return xy[2 * i];
    }

    /** @return y of point i */
    public double y(int i) {
        return xy[2 * i + 1];
    }

    /** @return a copy of the 10 numbers x0, y0, ... x4, y4 */
    public double[] toArray() {
        return xy.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Landmarks l && Arrays.equals(xy, l.xy);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(xy);
    }

    @Override
    public String toString() {
        return "Landmarks" + Arrays.toString(xy);
    }
}

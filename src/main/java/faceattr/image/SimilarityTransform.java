package faceattr.image;

/**
 * An immutable 2D similarity transform (rotation, uniform scale, translation; never a reflection):
 * {@code x' = a*x - b*y + tx}, {@code y' = b*x + a*y + ty}, with {@code a = s*cos(theta)} and
 * {@code b = s*sin(theta)}. It is convention-free arithmetic; callers keep both sides in the
 * project's continuous pixel coordinates (see {@link faceattr.align}).
 */
public final class SimilarityTransform {
    /* Squared relative size below which a point spread (or a correlation) counts as zero. */
    private static final double DEGENERATE = 1e-20;

    private final double a;
    private final double b;
    private final double tx;
    private final double ty;

    private SimilarityTransform(double a, double b, double tx, double ty) {
        if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(tx) || !Double.isFinite(ty)) {
            throw new IllegalArgumentException("similarity coefficients must be finite, got a=" + a + " b=" + b
                    + " tx=" + tx + " ty=" + ty);
        }
        this.a = a;
        this.b = b;
        this.tx = tx;
        this.ty = ty;
    }

    /**
     * Builds a transform from its coefficients.
     *
     * @param a scale times cos(rotation)
     * @param b scale times sin(rotation)
     * @param tx translation in x
     * @param ty translation in y
     * @return {@code x' = a*x - b*y + tx, y' = b*x + a*y + ty}
     */
    public static SimilarityTransform of(double a, double b, double tx, double ty) {
        return new SimilarityTransform(a, b, tx, ty);
    }

    /**
     * Builds a transform that scales and rotates about the origin, then translates.
     *
     * @param scale uniform scale factor, positive
     * @param radians rotation angle; positive turns +x towards +y (clockwise on screen, y down)
     * @param tx translation in x
     * @param ty translation in y
     * @return the transform
     */
    public static SimilarityTransform ofScaleRotation(double scale, double radians, double tx, double ty) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
        return new SimilarityTransform(scale * Math.cos(radians), scale * Math.sin(radians), tx, ty);
    }

    /** @return the identity transform */
    public static SimilarityTransform identity() {
        return new SimilarityTransform(1, 0, 0, 0);
    }

    /**
     * @param dx shift in x
     * @param dy shift in y
     * @return a pure translation
     */
    public static SimilarityTransform translation(double dx, double dy) {
        return new SimilarityTransform(1, 0, dx, dy);
    }

    /**
     * Least-squares similarity mapping {@code srcXY} onto {@code dstXY}: minimises
     * {@code sum |T(src_i) - dst_i|^2} over rotation, uniform scale and translation (the 2D case of
     * Umeyama 1991, where the reflection case cannot arise because the rotation is fitted as one
     * complex factor {@code a + ib}).
     *
     * @param srcXY N >= 2 points as x0, y0, x1, y1, ...
     * @param dstXY the N matching points, same layout
     * @return the best transform
     * @throws IllegalArgumentException if the arrays differ in length, hold fewer than 2 points or
     *     a non-finite number, the source points all coincide, or the destination points all
     *     coincide or do not correlate with the source (the fit would have zero scale)
     */
    public static SimilarityTransform fit(double[] srcXY, double[] dstXY) {
        int n = checkPoints(srcXY, dstXY);
        double mxs = 0, mys = 0, mxd = 0, myd = 0;
        for (int i = 0; i < n; i++) {
            mxs += srcXY[2 * i];
            mys += srcXY[2 * i + 1];
            mxd += dstXY[2 * i];
            myd += dstXY[2 * i + 1];
        }
        mxs /= n;
        mys /= n;
        mxd /= n;
        myd /= n;
        // Centring first keeps the sums well conditioned for faces far from the image origin.
        double srcSpread = 0, dstSpread = 0, p = 0, q = 0;
        for (int i = 0; i < n; i++) {
            double xs = srcXY[2 * i] - mxs, ys = srcXY[2 * i + 1] - mys;
            double xd = dstXY[2 * i] - mxd, yd = dstXY[2 * i + 1] - myd;
            srcSpread += xs * xs + ys * ys;
            dstSpread += xd * xd + yd * yd;
            p += xs * xd + ys * yd;
            q += xs * yd - ys * xd;
        }
        if (!(srcSpread > DEGENERATE * (n * (mxs * mxs + mys * mys) + 1))) {
            throw new IllegalArgumentException("cannot fit a similarity: all " + n
                    + " source points coincide at (" + mxs + ", " + mys + ")");
        }
        if (!(dstSpread > DEGENERATE * (n * (mxd * mxd + myd * myd) + 1))) {
            throw new IllegalArgumentException("cannot fit a similarity: all " + n
                    + " destination points coincide at (" + mxd + ", " + myd + ")");
        }
        if (!(p * p + q * q > DEGENERATE * srcSpread * dstSpread)) {
            throw new IllegalArgumentException("cannot fit a similarity: destination points do not correlate"
                    + " with the source points, the best fit would collapse everything to one point");
        }
        double fa = p / srcSpread;
        double fb = q / srcSpread;
        return new SimilarityTransform(fa, fb, mxd - (fa * mxs - fb * mys), myd - (fb * mxs + fa * mys));
    }

    private static int checkPoints(double[] srcXY, double[] dstXY) {
        if (srcXY == null || dstXY == null) {
            throw new IllegalArgumentException("point arrays must not be null");
        }
        if (srcXY.length != dstXY.length || srcXY.length % 2 != 0) {
            throw new IllegalArgumentException("need matching x,y pairs, got " + srcXY.length + " source and "
                    + dstXY.length + " destination numbers");
        }
        if (srcXY.length < 4) {
            throw new IllegalArgumentException("need at least 2 point pairs to fit a similarity, got "
                    + srcXY.length / 2);
        }
        for (int i = 0; i < srcXY.length; i++) {
            if (!Double.isFinite(srcXY[i]) || !Double.isFinite(dstXY[i])) {
                throw new IllegalArgumentException("point " + i / 2 + " is not finite: source "
                        + srcXY[i] + ", destination " + dstXY[i]);
            }
        }
        return srcXY.length / 2;
    }

    /**
     * @param x input x
     * @param y input y
     * @return the mapped point {x', y'}
     */
    public double[] apply(double x, double y) {
        return new double[] {a * x - b * y + tx, b * x + a * y + ty};
    }

    /**
     * @param xy points as x0, y0, x1, y1, ...; not modified
     * @return a new array with every point mapped
     */
    public double[] applyAll(double[] xy) {
        if (xy.length % 2 != 0) {
            throw new IllegalArgumentException("need x,y pairs, got " + xy.length + " numbers");
        }
        double[] out = new double[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            out[i] = a * xy[i] - b * xy[i + 1] + tx;
            out[i + 1] = b * xy[i] + a * xy[i + 1] + ty;
        }
        return out;
    }

    /** @return the transform that undoes this one */
    public SimilarityTransform inverse() {
        double s2 = a * a + b * b;
        // The inverse of the complex factor a + ib is (a - ib) / |a + ib|^2.
        double ia = a / s2;
        double ib = -b / s2;
        return new SimilarityTransform(ia, ib, -(ia * tx - ib * ty), -(ib * tx + ia * ty));
    }

    /**
     * Composition: the result maps p to {@code next.apply(this.apply(p))}.
     *
     * @param next the transform applied after this one
     * @return {@code next} after {@code this}
     */
    public SimilarityTransform then(SimilarityTransform next) {
        return new SimilarityTransform(next.a * a - next.b * b, next.b * a + next.a * b,
                next.a * tx - next.b * ty + next.tx, next.b * tx + next.a * ty + next.ty);
    }

    /** @return the uniform scale factor, sqrt(a^2 + b^2) */
    public double scale() {
        return Math.hypot(a, b);
    }

    /** @return the rotation angle in (-pi, pi]; positive turns +x towards +y */
    public double rotationRadians() {
        return Math.atan2(b, a);
    }

    /** @return the 2x3 matrix row-major: {a, -b, tx, b, a, ty} */
    public double[] toMatrix() {
        return new double[] {a, -b, tx, b, a, ty};
    }

    /** @return coefficient a = scale * cos(rotation) */
    public double a() {
        return a;
    }

    /** @return coefficient b = scale * sin(rotation) */
    public double b() {
        return b;
    }

    /** @return translation in x */
    public double tx() {
        return tx;
    }

    /** @return translation in y */
    public double ty() {
        return ty;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimilarityTransform t && Double.compare(a, t.a) == 0 && Double.compare(b, t.b) == 0
                && Double.compare(tx, t.tx) == 0 && Double.compare(ty, t.ty) == 0;
    }

    @Override
    public int hashCode() {
        int h = Double.hashCode(a);
        h = 31 * h + Double.hashCode(b);
        h = 31 * h + Double.hashCode(tx);
        return 31 * h + Double.hashCode(ty);
    }

    @Override
    public String toString() {
        return "SimilarityTransform[a=" + a + ", b=" + b + ", tx=" + tx + ", ty=" + ty + "]";
    }
}

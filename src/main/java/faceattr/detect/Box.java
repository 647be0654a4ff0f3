package faceattr.detect;

/**
 * An axis-aligned box in image pixels, origin top-left: it covers [x, x+width) x [y, y+height).
 *
 * @param x left edge
 * @param y top edge
 * @param width width, non-negative
 * @param height height, non-negative
 */
public record Box(double x, double y, double width, double height) {

    /** @return the area */
    public double area() {
        return width * height;
    }

    /** @return the right edge */
    public double x2() {
        return x + width;
    }

    /** @return the bottom edge */
    public double y2() {
        return y + height;
    }

    /** @return intersection over union with another box, 0 when either is empty */
    public double iou(Box o) {
        double inter = intersection(o);
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** @return intersection over the smaller area ("min" overlap, used after O-Net) */
    public double overlapMin(Box o) {
        double m = Math.min(area(), o.area());
        return m <= 0 ? 0 : intersection(o) / m;
    }

    /** @return the area of the intersection with another box */
    public double intersection(Box o) {
        double w = Math.min(x2(), o.x2()) - Math.max(x, o.x);
        double h = Math.min(y2(), o.y2()) - Math.max(y, o.y);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }

    /** @return this box scaled about the origin by s (used to map between image and pyramid scales) */
    public Box scaled(double s) {
        return new Box(x * s, y * s, width * s, height * s);
    }
}

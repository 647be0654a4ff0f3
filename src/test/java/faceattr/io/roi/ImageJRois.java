package faceattr.io.roi;

import ij.gui.Roi;

/** Builds the ImageJ ROI equivalent to a {@link RectRoi}, as the plugin layer builds its ROIs. */
final class ImageJRois {

    private ImageJRois() {
    }

    static Roi of(RectRoi r) {
        Roi roi = new Roi(r.x(), r.y(), r.width(), r.height());
        roi.setName(r.name());
        if (r.position() > 0) {
            roi.setPosition(r.position());
        } else if (r.c() > 0 || r.z() > 0 || r.t() > 0) {
            roi.setPosition(r.c(), r.z(), r.t());
        }
        r.properties().forEach(roi::setProperty);
        return roi;
    }
}

package faceattr.ij;

import faceattr.analysis.FaceRoiSet;
import faceattr.analysis.ImageFaces;
import faceattr.detect.DetectedFace;
import faceattr.estimate.FaceAttributes;
import faceattr.io.roi.RectRoi;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Presents faces as ImageJ ROIs: the core's {@link FaceRoiSet} (names, positions, properties)
 * turned into {@link Roi}s, and the ROI Manager operations of Detect Faces (publish, find and
 * remove this plugin's ROIs of an image).
 */
public final class FaceRois {
    private FaceRois() {
    }

    /**
     * Builds the ROIs of all faces, in plane order and, within a plane, in the detector's order.
     *
     * @param faces the faces of one image
     * @return one named, positioned rectangle per face, with its properties
     */
    public static List<Roi> toRois(ImageFaces faces) {
        List<Roi> rois = new ArrayList<>(faces.faceCount());
        for (RectRoi r : FaceRoiSet.toRois(faces)) {
            rois.add(toRoi(r));
        }
        return rois;
    }

    /**
     * @param r a core ROI value
     * @return the same ROI as ImageJ's {@link Roi} (sub-pixel bounds, name, position, properties)
     */
    public static Roi toRoi(RectRoi r) {
        Roi roi = new Roi(r.x(), r.y(), r.width(), r.height());
        roi.setName(r.name());
        position(roi, r);
        r.properties().forEach(roi::setProperty);
        return roi;
    }

    /**
     * Gives an ImageJ ROI the stack position of a core ROI value (the overlay's landmarks and
     * labels take their box's).
     *
     * @param roi the ImageJ ROI
     * @param at the value whose position it takes
     */
    static void position(Roi roi, RectRoi at) {
        if (at.c() > 0 || at.z() > 0 || at.t() > 0) {
            roi.setPosition(at.c(), at.z(), at.t());
        } else if (at.position() > 0) {
            roi.setPosition(at.position());
        }
    }

    /**
     * Sets a face's properties ({@link FaceRoiSet#properties}) on its ROI.
     *
     * @param roi the ROI
     * @param face the face
     * @param attributes its attributes, or null
     */
    public static void setFaceProperties(Roi roi, DetectedFace face, FaceAttributes attributes) {
        FaceRoiSet.properties(face, attributes).forEach(roi::setProperty);
    }

    /**
     * Publishes faces to a ROI Manager: unless {@code add}, first removes the ROIs this plugin made
     * earlier for the same image title; ROIs of other images and ROIs not made by this plugin are
     * never removed.
     *
     * @param rm the ROI Manager
     * @param faces the faces of one image
     * @param add keep the ROIs of earlier runs on this image
     * @return the number of ROIs removed
     */
    public static int publish(RoiManager rm, ImageFaces faces, boolean add) {
        int removed = add ? 0 : removeOwn(rm, faces.title());
        for (Roi roi : toRois(faces)) {
            rm.add((ImagePlus) null, roi, -1); // keeps our name and position, records nothing
        }
        return removed;
    }

    /**
     * Removes from a ROI Manager the ROIs this plugin made for an image.
     *
     * @param rm the ROI Manager
     * @param title the image title
     * @return the number removed
     */
    public static int removeOwn(RoiManager rm, String title) {
        int removed = 0;
        for (int i = rm.getCount() - 1; i >= 0; i--) {
            if (isOwn(rm.getRoi(i), title)) {
                rm.delete(i);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Keeps the ROIs a run without {@code add} must not remove.
     *
     * @param rois existing ROIs
     * @param title the image title
     * @return the ROIs that are not this plugin's ROIs of that image, in order
     */
    public static List<Roi> withoutOwn(List<Roi> rois, String title) {
        List<Roi> kept = new ArrayList<>(rois.size());
        for (Roi roi : rois) {
            if (!isOwn(roi, title)) {
                kept.add(roi);
            }
        }
        return kept;
    }

    /**
     * Tells whether this plugin made a ROI for an image.
     *
     * @param roi a ROI, may be null
     * @param title the image title
     * @return true when the ROI carries the marker and that title
     */
    public static boolean isOwn(Roi roi, String title) {
        return roi != null && FaceRoiSet.MARKER_VALUE.equals(roi.getProperty(FaceRoiSet.MARKER))
                && title.equals(roi.getProperty(FaceRoiSet.IMAGE));
    }

    /**
     * Marks a ROI as made by this plugin for an image (also used for overlay elements).
     *
     * @param roi the ROI
     * @param title the image title
     */
    public static void mark(Roi roi, String title) {
        FaceRoiSet.marker(title).forEach(roi::setProperty);
    }
}

package faceattr.ij;

import faceattr.detect.Box;
import faceattr.io.FacesCsv;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Presents faces as ROIs: one rectangle per face, the face box in image pixels.
 *
 * <ul>
 *   <li>Name {@code face-N} (N from 1 in the image), or {@code sN-face-M} on stacks, N being the
 *       plane ({@link PlaneFaces#plane()}) and M counting from 1 within it.</li>
 *   <li>Position on stacks: the stack index, or (channel 0, z, t) on multi-channel images and
 *       images with both z and t ({@link ImageFaces#hyperstack()}).</li>
 *   <li>Properties {@value #SCORE} (face probability), {@value #LANDMARKS} (10 numbers
 *       {@code x0,y0,...,x4,y4}, continuous pixel coordinates, in {@link Landmarks#NAMES} order),
 *       and the marker {@value #MARKER}{@code =}{@value #MARKER_VALUE} with {@value #IMAGE} = the
 *       image title, by which a later run finds the ROIs it made for that image and removes only
 *       those.</li>
 * </ul>
 */
public final class FaceRois {
    /** ROI property: the face probability. */
    public static final String SCORE = "score";
    /** ROI property: the estimated age's standard deviation in years. */
    public static final String AGE_STD = "age_std";
    /** ROI property: a person reviewed the face ({@code true}). */
    public static final String REVIEWED = "reviewed";
    /** ROI property: a person marked the detection as not a face ({@code true}). */
    public static final String NOT_A_FACE = "not_a_face";
    /** ROI property: the 5 landmarks as 10 comma-separated numbers. */
    public static final String LANDMARKS = "landmarks";
    /** ROI property marking ROIs made by this plugin. */
    public static final String MARKER = "faceattr";
    /** Value of {@link #MARKER}. */
    public static final String MARKER_VALUE = "1";
    /** ROI property: the title of the image the ROI was made for. */
    public static final String IMAGE = "faceattr_image";

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
        for (PlaneFaces plane : faces.planes()) {
            for (int i = 0; i < plane.faces().size(); i++) {
                DetectedFace face = plane.faces().get(i);
                Box b = face.box();
                Roi roi = new Roi(b.x(), b.y(), b.width(), b.height());
                roi.setName(name(faces, plane, i + 1));
                position(roi, faces, plane);
                setFaceProperties(roi, face, plane.analysed() ? plane.attributes().get(i) : null);
                mark(roi, faces.title());
                rois.add(roi);
            }
        }
        return rois;
    }

    /**
     * Sets a face's properties on its ROI: score, landmarks and, with attributes, every attribute
     * column of faces.csv that has a value plus {@value #AGE_STD}.
     *
     * @param roi the ROI
     * @param face the face
     * @param attributes its attributes, or null
     */
    public static void setFaceProperties(Roi roi, DetectedFace face, faceattr.estimate.FaceAttributes attributes) {
        roi.setProperty(SCORE, number(face.score()));
        roi.setProperty(LANDMARKS, landmarks(face.landmarks()));
        if (attributes != null) {
            // age_std (not a CSV column) lets the review order faces by age uncertainty
            roi.setProperty(AGE_STD, number(attributes.ageStd()));
            List<String> values = FacesCsv.attributeValues(attributes);
            for (int k = 0; k < values.size(); k++) {
                if (!values.get(k).isEmpty()) { // no race from a model without a race head
                    roi.setProperty(FacesCsv.ATTRIBUTE_COLUMNS.get(k), values.get(k));
                }
            }
        }
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
        return roi != null && MARKER_VALUE.equals(roi.getProperty(MARKER)) && title.equals(roi.getProperty(IMAGE));
    }

    /**
     * Marks a ROI as made by this plugin for an image (also used for overlay elements).
     *
     * @param roi the ROI
     * @param title the image title
     */
    public static void mark(Roi roi, String title) {
        roi.setProperty(MARKER, MARKER_VALUE);
        roi.setProperty(IMAGE, title);
    }

    /**
     * The ROI name of a face.
     *
     * @param faces the image's faces (whether it is a stack)
     * @param plane the plane
     * @param index the face within the plane, from 1
     * @return {@code face-N}, counted over the image, or {@code sP-face-M} on stacks
     */
    static String name(ImageFaces faces, PlaneFaces plane, int index) {
        if (faces.isStack()) {
            return "s" + plane.plane() + "-face-" + index;
        }
        int before = 0;
        for (PlaneFaces p : faces.planes()) {
            if (p == plane) {
                break;
            }
            before += p.faces().size();
        }
        return "face-" + (before + index);
    }

    /** Sets a ROI's stack position; single images leave it unset (all of the image). */
    static void position(Roi roi, ImageFaces faces, PlaneFaces plane) {
        if (!faces.isStack()) {
            return;
        }
        if (faces.hyperstack()) {
            roi.setPosition(0, plane.z(), plane.t());
        } else {
            roi.setPosition(plane.plane());
        }
    }

    /**
     * Formats landmarks for the {@value #LANDMARKS} property.
     *
     * @param lm the landmarks
     * @return {@code x0,y0,...,x4,y4}
     */
    public static String landmarks(Landmarks lm) {
        double[] xy = lm.toArray();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < xy.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(number(xy[i]));
        }
        return sb.toString();
    }

    /**
     * Reads the {@value #LANDMARKS} property back.
     *
     * @param property 10 comma-separated numbers
     * @return the landmarks
     * @throws IllegalArgumentException when it is not 10 numbers
     */
    public static Landmarks parseLandmarks(String property) {
        String[] parts = property.split(",");
        if (parts.length != 2 * Landmarks.COUNT) {
            throw new IllegalArgumentException("landmarks need 10 comma-separated numbers, got \"" + property + "\"");
        }
        double[] xy = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            xy[i] = Double.parseDouble(parts[i].trim());
        }
        return new Landmarks(xy);
    }

    /** A number with at most 4 decimals, no exponent, no trailing zeros, locale-independent. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        String s = BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return "-0".equals(s) ? "0" : s;
    }
}

package faceattr.analysis;

import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.estimate.FaceAttributes;
import faceattr.io.roi.RectRoi;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ROIs of an image's faces, as values both the ImageJ plugins (ROI Manager) and the command
 * line (ROI zips through {@link faceattr.io.roi.RoiZipWriter}) use; the ROI property keys are
 * public API (docs/contracts.md).
 *
 * <ul>
 *   <li>One rectangle per face, the face box in image pixels.</li>
 *   <li>Name {@code face-N} (N from 1 in the image), or {@code sN-face-M} on stacks, N being the
 *       plane ({@link PlaneFaces#plane()}) and M counting from 1 within it.</li>
 *   <li>Position on stacks: the stack index, or (channel 0, z, t) on multi-channel images and
 *       images with both z and t ({@link ImageFaces#hyperstack()}).</li>
 *   <li>Properties {@value #SCORE} (face probability), {@value #LANDMARKS} (10 numbers
 *       {@code x0,y0,...,x4,y4}, continuous pixel coordinates, in {@link Landmarks#NAMES} order),
 *       with attributes {@value #AGE_STD} and every {@code faces.csv} attribute column that has a
 *       value, and the marker {@value #MARKER}{@code =}{@value #MARKER_VALUE} with {@value #IMAGE}
 *       = the image title, by which a later run finds the ROIs it made for that image and removes
 *       only those.</li>
 * </ul>
 */
public final class FaceRoiSet {
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

    private FaceRoiSet() {
    }

    /**
     * Builds the ROIs of all faces, in plane order and, within a plane, in the detector's order.
     *
     * @param faces the faces of one image
     * @return one named, positioned rectangle per face, with its properties and the marker
     */
    public static List<RectRoi> toRois(ImageFaces faces) {
        List<RectRoi> rois = new ArrayList<>(faces.faceCount());
        for (PlaneFaces plane : faces.planes()) {
            for (int i = 0; i < plane.faces().size(); i++) {
                Map<String, String> props = properties(plane.faces().get(i),
                        plane.analysed() ? plane.attributes().get(i) : null);
                props.putAll(marker(faces.title()));
                rois.add(box(faces, plane, i).withProperties(props));
            }
        }
        return rois;
    }

    /**
     * The box of one face without properties: its name, its bounds and its plane's stack
     * position (none on single images, the stack index, or (channel 0 = all, z, t) on
     * hyperstacks). The ROI Manager's ROIs and the overlay's elements are placed by it.
     *
     * @param faces the image's faces
     * @param plane the plane
     * @param index the face within the plane, from 0
     * @return the named, positioned rectangle
     */
    public static RectRoi box(ImageFaces faces, PlaneFaces plane, int index) {
        Box b = plane.faces().get(index).box();
        RectRoi roi = RectRoi.of(name(faces, plane, index + 1), b.x(), b.y(), b.width(), b.height());
        if (!faces.isStack()) {
            return roi;
        }
        return faces.hyperstack() ? roi.atHyperstackPosition(0, plane.z(), plane.t()) : roi.atPosition(plane.plane());
    }

    /**
     * A face's properties: score, landmarks and, with attributes, {@value #AGE_STD} and every
     * attribute column of faces.csv that has a value (no race from a model without a race head).
     *
     * @param face the face
     * @param attributes its attributes, or null
     * @return the properties in a stable order (a new, mutable map)
     */
    public static Map<String, String> properties(DetectedFace face, FaceAttributes attributes) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(SCORE, number(face.score()));
        p.put(LANDMARKS, landmarks(face.landmarks()));
        if (attributes != null) {
            // age_std (not a CSV column) lets the review order faces by age uncertainty
            p.put(AGE_STD, number(attributes.ageStd()));
            List<String> values = FacesCsv.attributeValues(attributes);
            for (int k = 0; k < values.size(); k++) {
                if (!values.get(k).isEmpty()) {
                    p.put(FacesCsv.ATTRIBUTE_COLUMNS.get(k), values.get(k));
                }
            }
        }
        return p;
    }

    /**
     * @param title the image title
     * @return the marker properties of ROIs (and overlay elements) made for that image
     */
    public static Map<String, String> marker(String title) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(MARKER, MARKER_VALUE);
        p.put(IMAGE, title);
        return p;
    }

    /**
     * The ROI name of a face.
     *
     * @param faces the image's faces (whether it is a stack)
     * @param plane the plane
     * @param index the face within the plane, from 1
     * @return {@code face-N}, counted over the image, or {@code sP-face-M} on stacks
     */
    public static String name(ImageFaces faces, PlaneFaces plane, int index) {
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

    /**
     * @param v a number
     * @return at most 4 decimals, no exponent, no trailing zeros, locale-independent
     */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        String s = BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return "-0".equals(s) ? "0" : s;
    }
}

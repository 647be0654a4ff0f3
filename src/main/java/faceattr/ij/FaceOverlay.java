package faceattr.ij;

import faceattr.analysis.FaceRoiSet;
import faceattr.io.roi.RectRoi;
import faceattr.analysis.PlaneFaces;
import faceattr.analysis.ImageFaces;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.analysis.OverlayRenderer;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.Roi;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * Presents faces on an image's overlay: per face its box, its 5 landmarks as one multi-point and,
 * after Analyze Faces, a text label with its attributes;
 * positioned per plane on stacks as {@link FaceRois} positions ROIs. Overlay elements carry the same
 * marker as the ROIs, so a later run without {@code add} removes only its own elements.
 */
public final class FaceOverlay {
    /** Colour of the face boxes. */
    public static final Color BOX_COLOR = Color.yellow;
    /** Colour of the landmarks. */
    public static final Color LANDMARK_COLOR = Color.cyan;

    private FaceOverlay() {
    }

    /**
     * Builds the overlay elements: for each face a rectangle named like its ROI and a 5-point
     * {@link PointRoi} named {@code <roi name>-landmarks}.
     *
     * @param faces the faces of one image
     * @return the elements, box then landmarks for each face
     */
    public static List<Roi> toRois(ImageFaces faces) {
        List<Roi> out = new ArrayList<>(2 * faces.faceCount());
        for (PlaneFaces plane : faces.planes()) {
            for (int i = 0; i < plane.faces().size(); i++) {
                DetectedFace face = plane.faces().get(i);
                RectRoi placed = FaceRoiSet.box(faces, plane, i);
                String name = placed.name();
                Box b = face.box();
                Roi box = FaceRois.toRoi(placed);
                box.setStrokeColor(BOX_COLOR);
                FaceRois.mark(box, faces.title());
                out.add(box);

                PointRoi points = landmarkPoints(face.landmarks());
                points.setName(name + "-landmarks");
                points.setStrokeColor(LANDMARK_COLOR);
                points.setPointType(PointRoi.DOT);
                points.setSize(1);
                FaceRois.position(points, placed);
                FaceRois.mark(points, faces.title());
                out.add(points);

                if (plane.analysed()) {
                    // The attributes above the box, e.g. "31 F happiness", as in the CLI's overlays.
                    int size = (int) Math.max(9, Math.min(48, b.width() / 6));
                    java.awt.Font font = new java.awt.Font("SansSerif", java.awt.Font.PLAIN, size);
                    ij.gui.TextRoi text = new ij.gui.TextRoi(b.x(), Math.max(0, b.y() - size * 1.4),
                            OverlayRenderer.label(plane.attributes().get(i)), font);
                    text.setName(name + "-label");
                    text.setStrokeColor(BOX_COLOR);
                    FaceRois.position(text, placed);
                    FaceRois.mark(text, faces.title());
                    out.add(text);
                }
            }
        }
        return out;
    }

    /**
     * The landmarks as a point selection. ImageJ draws a point (x, y) at the centre of pixel (x, y),
     * i.e. at continuous (x + 0.5, y + 0.5); the landmarks are continuous coordinates, so they are
     * shifted by -0.5 here, the one place this conversion happens.
     *
     * @param lm the landmarks
     * @return 5 points in {@link Landmarks#NAMES} order
     */
    public static PointRoi landmarkPoints(Landmarks lm) {
        float[] xs = new float[Landmarks.COUNT];
        float[] ys = new float[Landmarks.COUNT];
        for (int i = 0; i < Landmarks.COUNT; i++) {
            xs[i] = (float) (lm.x(i) - 0.5);
            ys[i] = (float) (lm.y(i) - 0.5);
        }
        return new PointRoi(xs, ys, Landmarks.COUNT);
    }

    /**
     * Adds the faces to the image's overlay (creating it if needed); unless {@code add}, first removes
     * the elements this plugin put there for this image title. Other overlay elements stay.
     *
     * @param imp the image
     * @param faces its faces
     * @param add keep the elements of earlier runs
     */
    public static void publish(ImagePlus imp, ImageFaces faces, boolean add) {
        Overlay overlay = imp.getOverlay();
        if (overlay == null) {
            overlay = new Overlay();
        } else if (!add) {
            removeOwn(overlay, faces.title());
        }
        for (Roi roi : toRois(faces)) {
            overlay.add(roi);
        }
        imp.setOverlay(overlay);
    }

    /**
     * Removes the elements this plugin made for an image.
     *
     * @param overlay the overlay
     * @param title the image title
     * @return the number removed
     */
    public static int removeOwn(Overlay overlay, String title) {
        int removed = 0;
        for (int i = overlay.size() - 1; i >= 0; i--) {
            if (FaceRois.isOwn(overlay.get(i), title)) {
                overlay.remove(i);
                removed++;
            }
        }
        return removed;
    }
}

package faceattr.analysis;

import faceattr.core.RgbImage;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.image.ImageOps;
import faceattr.labels.Task;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws faces onto a copy of an image for the CLI's {@code overlays/} PNGs: the box in yellow, the
 * 5 landmarks as small circles (eyes green, nose red, mouth blue), and an optional label above the
 * box. Line widths scale with the image so overlays read at any size.
 */
public final class OverlayRenderer {

    private OverlayRenderer() {
    }

    /**
     * The overlay label of an analysed face, e.g. {@code "31 F happiness"}: rounded age, M or F,
     * emotion.
     *
     * @param a the attributes
     * @return the label
     */
    public static String label(faceattr.estimate.FaceAttributes a) {
        return Math.round(a.ageMean()) + " " + (a.label(Task.GENDER).equals("male") ? "M" : "F") + " "
                + a.label(Task.EMOTION);
    }

    /**
     * @param image the image
     * @param faces the faces, in pixels of {@code image}
     * @param labels one label per face (e.g. "1" or "31 F happy"), or null for the face number
     * @return a new image with the overlay burnt in
     */
    public static RgbImage render(RgbImage image, List<DetectedFace> faces, List<String> labels) {
        int thick = Math.max(1, Math.round(Math.max(image.width(), image.height()) / 400f));
        try (Mat m = ImageOps.toMat(image)) {
            for (int i = 0; i < faces.size(); i++) {
                DetectedFace f = faces.get(i);
                Box b = f.box();
                try (Point p1 = new Point((int) Math.round(b.x()), (int) Math.round(b.y()));
                        Point p2 = new Point((int) Math.round(b.x2()) - 1, (int) Math.round(b.y2()) - 1);
                        Scalar yellow = new Scalar(255, 255, 0, 0)) {
                    opencv_imgproc.rectangle(m, p1, p2, yellow, thick, opencv_imgproc.LINE_AA, 0);
                }
                Landmarks lm = f.landmarks();
                double[][] colours = {{0, 255, 0}, {0, 255, 0}, {255, 0, 0}, {0, 128, 255}, {0, 128, 255}};
                for (int k = 0; k < Landmarks.COUNT; k++) {
                    try (Point c = new Point((int) Math.floor(lm.x(k)), (int) Math.floor(lm.y(k)));
                            Scalar col = new Scalar(colours[k][0], colours[k][1], colours[k][2], 0)) {
                        opencv_imgproc.circle(m, c, Math.max(2, thick * 2), col, -1, opencv_imgproc.LINE_AA, 0);
                    }
                }
                String label = labels == null ? Integer.toString(i + 1) : labels.get(i);
                double fontScale = Math.max(0.4, thick * 0.5);
                try (Point org = new Point((int) Math.round(b.x()), (int) Math.max(12, Math.round(b.y()) - 4 * thick));
                        Scalar yellow = new Scalar(255, 255, 0, 0)) {
                    opencv_imgproc.putText(m, label, org, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, yellow,
                            thick, opencv_imgproc.LINE_AA, false);
                }
            }
            return ImageOps.fromMat(m);
        }
    }
}

package faceattr.image;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import faceattr.core.RgbImage;
import java.util.Objects;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The one place where {@link RgbImage} meets OpenCV, and where the coordinate conventions meet:
 * the project puts the origin at the top-left corner of the top-left pixel (pixel centres at
 * i + 0.5), OpenCV puts pixel centres at integers. Geometric operations here take transforms in
 * project coordinates and conjugate them by the half-pixel shift before OpenCV sees them.
 *
 * <p>Mats keep RGB channel order (OpenCV's BGR habit matters only for its file and GUI
 * functions, which the project does not use). Every native buffer is released before a method
 * returns, so these methods can run in loops over thousands of faces.
 */
public final class ImageOps {

    private ImageOps() {
    }

    /**
     * Sets how many threads OpenCV's own parallel loops (resize, warps) use, process-wide.
     * Benchmarks set it with the engine's thread count so that {@code --threads 1} means one core.
     *
     * @param threads at least 1
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        org.bytedeco.opencv.global.opencv_core.setNumThreads(threads);
    }

    /**
     * Copies an image into a new native Mat. The caller owns it and must close it.
     *
     * @param image the image
     * @return a CV_8UC3 Mat, rows x cols = height x width, channels R, G, B
     */
    public static Mat toMat(RgbImage image) {
        Objects.requireNonNull(image, "image");
        Mat mat = new Mat(image.height(), image.width(), CV_8UC3);
        try {
            byte[] rgb = image.pixels();
            mat.data().put(rgb, 0, rgb.length);
            return mat;
        } catch (RuntimeException e) {
            mat.close();
            throw e;
        }
    }

    /**
     * Copies a Mat's pixels into a new image; the Mat is left open.
     *
     * @param mat a CV_8UC3 Mat holding R, G, B
     * @return the image
     */
    public static RgbImage fromMat(Mat mat) {
        Objects.requireNonNull(mat, "mat");
        if (mat.type() != CV_8UC3 || mat.dims() != 2) {
            throw new IllegalArgumentException("expected a 2D CV_8UC3 Mat, got type " + mat.type() + " with "
                    + mat.dims() + " dims");
        }
        int w = mat.cols();
        int h = mat.rows();
        byte[] out = new byte[w * h * 3];
        if (mat.isContinuous()) {
            mat.data().get(out, 0, out.length);
        } else {
            // A region of interest has row padding; a continuous copy lets us read it in one go.
            try (Mat compact = mat.clone()) {
                compact.data().get(out, 0, out.length);
            }
        }
        return new RgbImage(w, h, out);
    }

    /**
     * Resizes an image. Shrinking uses area averaging (no aliasing), enlarging or any mixed case
     * uses bilinear interpolation. OpenCV's resize already maps pixel centres onto pixel centres,
     * which is scaling about the corner in project coordinates, so no conjugation is needed.
     *
     * @param image the image
     * @param width the new width, at least 1
     * @param height the new height, at least 1
     * @return the resized image, or {@code image} itself when the size is unchanged
     */
    public static RgbImage resize(RgbImage image, int width, int height) {
        Objects.requireNonNull(image, "image");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if (width == image.width() && height == image.height()) {
            return image;
        }
        boolean shrinking = width <= image.width() && height <= image.height();
        try (Mat src = toMat(image); Mat dst = new Mat(); Size size = new Size(width, height)) {
            opencv_imgproc.resize(src, dst, size, 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
            return fromMat(dst);
        }
    }

    /**
     * Warps an image by a similarity transform with bilinear interpolation; output pixels whose
     * source lies outside the image are black.
     *
     * @param image the source image
     * @param imageToOut maps source coordinates to output coordinates (project convention)
     * @param outWidth output width, at least 1
     * @param outHeight output height, at least 1
     * @return the warped image
     */
    public static RgbImage warpAffine(RgbImage image, SimilarityTransform imageToOut, int outWidth,
            int outHeight) {
        Objects.requireNonNull(image, "image");
        try (Mat src = toMat(image)) {
            return warpAffine(src, imageToOut, outWidth, outHeight);
        }
    }

    /**
     * As {@link #warpAffine(RgbImage, SimilarityTransform, int, int)} on a Mat from
     * {@link #toMat(RgbImage)}, so that several faces of one image share one conversion.
     */
    public static RgbImage warpAffine(Mat src, SimilarityTransform imageToOut, int outWidth, int outHeight) {
        Objects.requireNonNull(imageToOut, "imageToOut");
        if (outWidth < 1 || outHeight < 1) {
            throw new IllegalArgumentException("output size must be positive, got " + outWidth + "x" + outHeight);
        }
        try (DoublePointer m = new DoublePointer(toOpenCvMatrix(imageToOut));
                Mat matrix = new Mat(2, 3, CV_64F, m);
                Mat dst = new Mat();
                Size size = new Size(outWidth, outHeight);
                Scalar black = new Scalar(0, 0, 0, 0)) {
            opencv_imgproc.warpAffine(src, dst, matrix, size, INTER_LINEAR, BORDER_CONSTANT, black);
            return fromMat(dst);
        }
    }

    /**
     * The 2x3 matrix OpenCV needs for a transform given in project coordinates: a point at OpenCV
     * position p is at p + 0.5 for us, so the OpenCV matrix is shift(-0.5) . t . shift(+0.5).
     *
     * @param t a transform in project coordinates
     * @return the equivalent row-major 2x3 matrix in OpenCV coordinates
     */
    public static double[] toOpenCvMatrix(SimilarityTransform t) {
        return SimilarityTransform.translation(0.5, 0.5).then(t).then(SimilarityTransform.translation(-0.5, -0.5))
                .toMatrix();
    }

    /**
     * Converts to planar floats as most networks want them: index {@code c*H*W + y*W + x}, value
     * {@code (v - mean) * scale}, channels R, G, B.
     *
     * @param image the image
     * @param mean subtracted from every 0..255 value
     * @param scale multiplied after subtracting
     * @return 3 * width * height floats in C, H, W order
     */
    public static float[] toFloatCHW(RgbImage image, float mean, float scale) {
        return toFloatCHW(image, 0, image.height(), mean, scale);
    }

    /**
     * Converts rows {@code y0} (inclusive) to {@code y1} (exclusive) to planar floats, as
     * {@link #toFloatCHW(RgbImage, float, float)} does for the whole image.
     *
     * @param image the image
     * @param y0 first row
     * @param y1 row after the last
     * @param mean subtracted from every 0..255 value
     * @param scale multiplied after subtracting
     * @return 3 * width * (y1 - y0) floats in C, H, W order
     */
    public static float[] toFloatCHW(RgbImage image, int y0, int y1, float mean, float scale) {
        if (y0 < 0 || y1 > image.height() || y1 < y0) {
            throw new IllegalArgumentException("rows " + y0 + ".." + y1 + " outside 0.." + image.height());
        }
        byte[] rgb = image.pixels();
        int plane = image.width() * (y1 - y0);
        float[] out = new float[3 * plane];
        for (int i = 0, o = y0 * image.width() * 3; i < plane; i++, o += 3) {
            out[i] = ((rgb[o] & 0xff) - mean) * scale;
            out[plane + i] = ((rgb[o + 1] & 0xff) - mean) * scale;
            out[2 * plane + i] = ((rgb[o + 2] & 0xff) - mean) * scale;
        }
        return out;
    }

    /**
     * Converts to interleaved floats: index {@code (y*W + x)*3 + c}, value {@code (v - mean) * scale},
     * channels R, G, B.
     *
     * @param image the image
     * @param mean subtracted from every 0..255 value
     * @param scale multiplied after subtracting
     * @return 3 * width * height floats in H, W, C order
     */
    public static float[] toFloatHWC(RgbImage image, float mean, float scale) {
        byte[] rgb = image.pixels();
        float[] out = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = ((rgb[i] & 0xff) - mean) * scale;
        }
        return out;
    }
}

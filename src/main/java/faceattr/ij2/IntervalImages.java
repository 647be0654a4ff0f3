package faceattr.ij2;

import faceattr.core.RgbImage;
import java.util.Arrays;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;
import org.scijava.Named;

/**
 * Turns the {@code image} input of the SciJava commands into the core's {@link RgbImage}. The rules
 * (docs/scripting.md):
 *
 * <ul>
 *   <li>2D {@link ARGBType}: the red, green and blue bytes as they are.</li>
 *   <li>2D {@link RealType}: grey, R = G = B.</li>
 *   <li>3D {@link RealType} with a colour axis of size 3, last (x, y, c: ImageJ's order, what Fiji
 *       gives for an RGB image) or first (c, x, y: a numpy {@code H×W×3} array from pyimagej, whose
 *       axes arrive reversed). When both ends have size 3, the last is the colour axis.</li>
 * </ul>
 *
 * <p>Values are scaled to 0..255 by the type's range for integer types of up to 16 bits (8-bit
 * unchanged, 16-bit divided by 257, signed types shifted), and by the data's range (the smallest
 * finite value to 0, the largest to 255, over all channels together, so colours keep their balance)
 * for float types and for integer types of more bits (numpy's default int64 would otherwise be
 * black). Rounding is to nearest. Anything else is refused with a message naming what was given
 * and what is accepted.
 */
public final class IntervalImages {
    /** What the commands accept, for error messages. */
    public static final String ACCEPTED = "give a 2D ARGBType (RGB) image, a 2D grey image of a real type, or a 3D "
            + "image of a real type with a colour axis of size 3 first (c, x, y; numpy H x W x 3 from pyimagej) or "
            + "last (x, y, c; ImageJ's order)";

    private IntervalImages() {
    }

    /**
     * Converts an image.
     *
     * @param image the image; not modified
     * @return its pixels as 8-bit RGB
     * @throws IllegalArgumentException when the image is not one of the accepted kinds, is empty or
     *     is too large (the message says which and what to give)
     */
    public static RgbImage toRgb(RandomAccessibleInterval<?> image) {
        if (image == null) {
            throw new IllegalArgumentException("no image given; " + ACCEPTED);
        }
        RandomAccessibleInterval<?> rai = image instanceof NamedInterval<?> n ? n.delegate() : image;
        long[] dims = rai.dimensionsAsLongArray();
        Object type = rai.getType();
        String what = describe(dims, type);
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("the image is empty (" + what + "); " + ACCEPTED);
            }
        }
        int n = dims.length;
        int channelAxis = n == 3 ? (dims[2] == 3 ? 2 : dims[0] == 3 ? 0 : -1) : -1;
        boolean argb = type instanceof ARGBType;
        boolean real = type instanceof RealType<?>;
        if (!(n == 2 && (argb || real)) && !(n == 3 && real && channelAxis >= 0)) {
            String why = n == 3 && real ? "a 3D image needs a colour axis of size 3 first or last" : n > 3 || n < 2
                    ? "only 2D and 3D images are analysed (for a stack, analyse one plane at a time)"
                    : "its pixel type is not accepted";
            throw new IllegalArgumentException("cannot analyse " + what + ": " + why + "; " + ACCEPTED);
        }
        int xAxis = channelAxis == 0 ? 1 : 0;
        long w = dims[xAxis];
        long h = dims[xAxis + 1];
        if (w * h * 3 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the image is too large (" + what + "): at most "
                    + (Integer.MAX_VALUE / 3) + " pixels; downscale it first");
        }
        if (argb) {
            return fromArgb(rai, (int) w, (int) h);
        }
        @SuppressWarnings("unchecked")
        RandomAccessibleInterval<? extends RealType<?>> r = (RandomAccessibleInterval<? extends RealType<?>>) rai;
        return fromReal(r, channelAxis, (int) w, (int) h);
    }

    /**
     * @param image an image
     * @return its name when it has one ({@link Named}: a Fiji Dataset's title, an ImagePlus's
     *     title through our converter), else null
     */
    public static String name(Object image) {
        if (image instanceof Named n) {
            String s = n.getName();
            return s == null || s.isBlank() ? null : s;
        }
        return null;
    }

    /** @return e.g. "a 3D UnsignedByteType image of size [512, 512, 2]" */
    static String describe(long[] dims, Object type) {
        String t = type == null ? "unknown type" : type.getClass().getSimpleName();
        return "a " + dims.length + "D " + t + " image of size " + Arrays.toString(dims);
    }

    private static RgbImage fromArgb(RandomAccessibleInterval<?> rai, int w, int h) {
        if (rai instanceof ArrayImg<?, ?> img && img.update(null) instanceof IntArray a) {
            return RgbImage.fromPackedRgb(w, h, a.getCurrentStorageArray());
        }
        int[] packed = new int[w * h];
        int i = 0;
        for (Object t : Views.flatIterable(rai)) {
            packed[i++] = ((ARGBType) t).get();
        }
        return RgbImage.fromPackedRgb(w, h, packed);
    }

    private static RgbImage fromReal(RandomAccessibleInterval<? extends RealType<?>> rai, int channelAxis, int w,
            int h) {
        RealType<?> type = rai.getType();
        boolean byTypeRange = type instanceof IntegerType<?> && type.getBitsPerPixel() <= 16;
        // numpy H x W x 3 uint8 from pyimagej: already our interleaved layout.
        if (channelAxis == 0 && type instanceof UnsignedByteType && rai instanceof ArrayImg<?, ?> img
                && img.update(null) instanceof ByteArray a && a.getCurrentStorageArray().length == w * h * 3) {
            return new RgbImage(w, h, a.getCurrentStorageArray().clone());
        }
        double min;
        double max;
        if (byTypeRange) {
            min = type.getMinValue();
            max = type.getMaxValue();
        } else {
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            for (RealType<?> t : Views.flatIterable(rai)) {
                double v = t.getRealDouble();
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            if (min > max) { // no finite value
                min = 0;
                max = 1;
            }
        }
        double scale = max > min ? 255 / (max - min) : 0;
        byte[] rgb = new byte[w * h * 3];
        if (channelAxis < 0) {
            int o = 0;
            for (RealType<?> t : Views.flatIterable(rai)) {
                byte b = toByte(t.getRealDouble(), min, scale);
                rgb[o] = b;
                rgb[o + 1] = b;
                rgb[o + 2] = b;
                o += 3;
            }
            return new RgbImage(w, h, rgb);
        }
        for (int c = 0; c < 3; c++) {
            RandomAccessibleInterval<? extends RealType<?>> plane = Views.hyperSlice(rai, channelAxis,
                    rai.min(channelAxis) + c);
            Cursor<? extends RealType<?>> cursor = Views.flatIterable(plane).cursor();
            for (int o = c; cursor.hasNext(); o += 3) {
                rgb[o] = toByte(cursor.next().getRealDouble(), min, scale);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static byte toByte(double v, double min, double scale) {
        double s = (v - min) * scale;
        if (!(s > 0)) { // also NaN
            return 0;
        }
        return s >= 255 ? (byte) 255 : (byte) Math.round(s);
    }
}

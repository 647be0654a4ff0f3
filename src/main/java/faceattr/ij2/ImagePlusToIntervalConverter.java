package faceattr.ij2;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import java.util.ArrayList;
import java.util.List;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Fraction;
import org.scijava.Priority;
import org.scijava.convert.AbstractConverter;
import org.scijava.convert.Converter;
import org.scijava.plugin.Plugin;

/**
 * Gives the SciJava commands an {@link ImagePlus} as an ImgLib2 image (docs/scripting.md): the
 * plane on display (its current z and t) wrapped without copying, named by the image's title. RGB
 * images become a 2D {@code ARGBType} image; 8-, 16- and 32-bit ones a 2D grey image of
 * {@code UnsignedByteType}, {@code UnsignedShortType} or {@code FloatType}; a composite image with
 * exactly three channels the three channels at that z and t, as a 3D (x, y, c) image.
 *
 * <p>The pixel values are taken as they are, not through the display range or LUT (the menu
 * command Analyze Faces uses what is displayed; docs/imagej.md). The priority is below
 * imagej-legacy's own ImagePlus converters (LOW), so that inside Fiji they keep serving every other
 * plugin's conversions; this one serves where they are absent (a bare SciJava context, pyimagej
 * without the legacy layer).
 */
@Plugin(type = Converter.class, priority = Priority.VERY_LOW)
public final class ImagePlusToIntervalConverter extends AbstractConverter<ImagePlus, RandomAccessibleInterval> {

    @Override
    public <T> T convert(Object src, Class<T> dest) {
        @SuppressWarnings("unchecked")
        T out = (T) wrap((ImagePlus) src);
        return out;
    }

    @Override
    public Class<RandomAccessibleInterval> getOutputType() {
        return RandomAccessibleInterval.class;
    }

    @Override
    public Class<ImagePlus> getInputType() {
        return ImagePlus.class;
    }

    /**
     * Wraps the plane on display, as described above.
     *
     * @param imp the image
     * @return its current plane (three channels for a 3-channel composite), named by its title
     * @throws IllegalArgumentException for a pixel type ImageJ 1 does not have
     */
    public static NamedInterval<?> wrap(ImagePlus imp) {
        int w = imp.getWidth();
        int h = imp.getHeight();
        int[] czt = imp.convertIndexToPosition(imp.getCurrentSlice());
        ImageStack stack = imp.getStack();
        RandomAccessibleInterval<?> pixels;
        if (imp instanceof CompositeImage && imp.getNChannels() == 3 && imp.getBitDepth() != 24) {
            List<Object> planes = new ArrayList<>(3);
            for (int c = 1; c <= 3; c++) {
                planes.add(stack.getPixels(imp.getStackIndex(c, czt[1], czt[2])));
            }
            pixels = planar(planes, w, h);
        } else {
            Object plane = stack.getPixels(imp.getCurrentSlice());
            pixels = switch (imp.getBitDepth()) {
                case 24 -> ArrayImgs.argbs((int[]) plane, w, h);
                case 8 -> ArrayImgs.unsignedBytes((byte[]) plane, w, h);
                case 16 -> ArrayImgs.unsignedShorts((short[]) plane, w, h);
                case 32 -> ArrayImgs.floats((float[]) plane, w, h);
                default -> throw new IllegalArgumentException(imp.getTitle() + ": unknown bit depth "
                        + imp.getBitDepth());
            };
        }
        return new NamedInterval<>(pixels, imp.getTitle());
    }

    /** Three channel planes as one (x, y, c) image, sharing the arrays. */
    private static RandomAccessibleInterval<?> planar(List<Object> planes, int w, int h) {
        long[] dims = {w, h, planes.size()};
        Object first = planes.get(0);
        if (first instanceof byte[]) {
            List<ByteArray> a = new ArrayList<>();
            planes.forEach(p -> a.add(new ByteArray((byte[]) p)));
            PlanarImg<UnsignedByteType, ByteArray> img = new PlanarImg<>(a, dims, new Fraction());
            img.setLinkedType(new UnsignedByteType(img));
            return img;
        }
        if (first instanceof short[]) {
            List<ShortArray> a = new ArrayList<>();
            planes.forEach(p -> a.add(new ShortArray((short[]) p)));
            PlanarImg<UnsignedShortType, ShortArray> img = new PlanarImg<>(a, dims, new Fraction());
            img.setLinkedType(new UnsignedShortType(img));
            return img;
        }
        List<FloatArray> a = new ArrayList<>();
        planes.forEach(p -> a.add(new FloatArray((float[]) p)));
        PlanarImg<FloatType, FloatArray> img = new PlanarImg<>(a, dims, new Fraction());
        img.setLinkedType(new FloatType(img));
        return img;
    }
}

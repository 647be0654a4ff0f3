package faceattr.ij;

import faceattr.analysis.PlaneFaces;
import faceattr.analysis.ImageFaces;
import faceattr.core.RgbImage;
import ij.CompositeImage;
import ij.ImagePlus;
import java.util.List;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import java.awt.Color;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns one z/t plane of an {@link ImagePlus} into the core's {@link RgbImage}, the way the user sees
 * it:
 *
 * <ul>
 *   <li>RGB: the pixels as they are.</li>
 *   <li>8-, 16- and 32-bit: scaled through the image's current display range (min..max to 0..255,
 *       with ImageJ's own rounding) and then coloured through the image's LUT: a grey LUT gives
 *       R = G = B, an inverted or coloured LUT gives what is on screen.</li>
 *   <li>Composite images in composite mode: the active channels, each through its own LUT and display
 *       range, merged as ImageJ merges them (sum clipped at 255, or the max / min / invert mode set in
 *       the image's "CompositeProjection" property). In colour or greyscale mode only the current
 *       channel is shown, so only that one is used.</li>
 *   <li>Other multi-channel images: the current channel.</li>
 * </ul>
 *
 * <p>Thresholding colours and overlays are not part of the result. The image itself (position, display
 * range, LUTs) is not changed.
 */
public final class ImagePlusConverter {

    private ImagePlusConverter() {
    }

    /**
     * Converts the plane the image is showing (its current z and t).
     *
     * @param imp the image
     * @return the plane as displayed, as RGB
     */
    public static RgbImage convert(ImagePlus imp) {
        int[] czt = currentPosition(imp);
        return convert(imp, czt[1], czt[2]);
    }

    /**
     * The (channel, z, t) on display. Read from the current stack index, because
     * {@code ImagePlus.setSlice} on a plain stack does not update {@code getZ()}.
     *
     * @param imp the image
     * @return {c, z, t}, 1-based
     */
    static int[] currentPosition(ImagePlus imp) {
        return imp.convertIndexToPosition(imp.getCurrentSlice());
    }

    /**
     * Converts the plane at (z, t).
     *
     * @param imp the image
     * @param z the z position, 1 to {@code imp.getNSlices()}
     * @param t the frame, 1 to {@code imp.getNFrames()}
     * @return the plane as displayed, as RGB
     * @throws IllegalArgumentException when (z, t) is outside the image
     */
    public static RgbImage convert(ImagePlus imp, int z, int t) {
        Objects.requireNonNull(imp, "imp");
        if (z < 1 || z > imp.getNSlices() || t < 1 || t > imp.getNFrames()) {
            throw new IllegalArgumentException("position z=" + z + ", t=" + t + " is outside " + imp.getTitle()
                    + " (" + imp.getNSlices() + " slices, " + imp.getNFrames() + " frames)");
        }
        ImageStack stack = imp.getStack();
        int w = imp.getWidth();
        int h = imp.getHeight();
        int[] argb;
        boolean rgbStack = stack.getProcessor(1) instanceof ColorProcessor;
        if (imp instanceof CompositeImage ci && ci.getNChannels() > 1 && !rgbStack) {
            argb = composite(ci, stack, z, t);
        } else {
            int n = imp.getStackIndex(currentPosition(imp)[0], z, t);
            ImageProcessor ip = stack.getProcessor(n);
            ImageProcessor shown = imp.getProcessor();
            LUT lut = imp instanceof CompositeImage ci ? ci.getChannelLut(1) : shown.getLut();
            argb = channelRgb(ip, lut, imp.getDisplayRangeMin(), imp.getDisplayRangeMax());
        }
        return RgbImage.fromPackedRgb(w, h, argb);
    }

    /** The merged view of a composite image at (z, t), following its mode and active channels. */
    private static int[] composite(CompositeImage ci, ImageStack stack, int z, int t) {
        int mode = ci.getMode();
        if (mode != CompositeImage.COMPOSITE) {
            int c = currentPosition(ci)[0];
            LUT lut = ci.getChannelLut(c);
            ImageProcessor ip = stack.getProcessor(ci.getStackIndex(c, z, t));
            LUT shown = mode == CompositeImage.GRAYSCALE ? LUT.createLutFromColor(Color.white) : lut;
            return channelRgb(ip, shown, lut.min, lut.max);
        }
        boolean[] active = ci.getActiveChannels();
        Merge merge = Merge.of(ci.getProp("CompositeProjection"));
        int size = ci.getWidth() * ci.getHeight();
        int[] r = new int[size];
        int[] g = new int[size];
        int[] b = new int[size];
        if (merge == Merge.MIN) {
            Arrays.fill(r, 255);
            Arrays.fill(g, 255);
            Arrays.fill(b, 255);
        }
        int nActive = 0;
        for (int c = 1; c <= ci.getNChannels(); c++) {
            if (c > active.length || !active[c - 1]) {
                continue;
            }
            nActive++;
            LUT lut = ci.getChannelLut(c);
            ImageProcessor ip = stack.getProcessor(ci.getStackIndex(c, z, t));
            int[] rgb = merge == Merge.INVERT ? invertModeRgb(ip, lut) : channelRgb(ip, lut, lut.min, lut.max);
            for (int i = 0; i < size; i++) {
                int p = rgb[i];
                r[i] = merge.combine(r[i], (p >> 16) & 0xff);
                g[i] = merge.combine(g[i], (p >> 8) & 0xff);
                b[i] = merge.combine(b[i], p & 0xff);
            }
        }
        // Sum clips at 255; ImageJ's inverted composite is the sum of the channel colours less 255 per
        // extra channel, so white stays white where every inverted channel is empty.
        int offset = merge == Merge.INVERT ? Math.max(0, nActive - 1) * 255 : 0;
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = (clamp(r[i] - offset) << 16) | (clamp(g[i] - offset) << 8) | clamp(b[i] - offset);
        }
        return out;
    }

    /** How a composite's channels are merged: ImageJ's projection modes, per colour component. */
    private enum Merge {
        SUM, MAX, MIN, INVERT;

        static Merge of(String prop) {
            String p = prop == null ? "" : prop.toLowerCase(Locale.ROOT);
            if (p.contains("max")) {
                return MAX;
            } else if (p.contains("min")) {
                return MIN;
            } else if (p.contains("invert")) {
                return INVERT;
            }
            return SUM;
        }

        int combine(int acc, int v) {
            return switch (this) {
                case MAX -> Math.max(acc, v);
                case MIN -> Math.min(acc, v);
                default -> acc + v;
            };
        }
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /**
     * One channel coloured through a LUT after scaling through min..max, with the arithmetic ImageJ
     * uses for display (ByteProcessor's LUT stretch, Short/FloatProcessor's 8-bit conversion).
     */
    static int[] channelRgb(ImageProcessor ip, LUT lut, double min, double max) {
        if (ip instanceof ColorProcessor) {
            return ((int[]) ip.getPixels()).clone();
        }
        byte[] index = displayIndex(ip, min, max);
        int[] table = new int[256];
        boolean grey = lut == null;
        for (int i = 0; i < 256; i++) {
            table[i] = grey ? (i << 16) | (i << 8) | i : lut.getRGB(i) & 0xffffff;
        }
        int[] out = new int[index.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = table[index[i] & 0xff];
        }
        return out;
    }

    /** The 0..255 LUT index each pixel is displayed with, for display range min..max. */
    private static byte[] displayIndex(ImageProcessor ip, double min, double max) {
        if (ip instanceof ByteProcessor) {
            byte[] px = (byte[]) ip.getPixels();
            int lo = (int) Math.round(min);
            int hi = (int) Math.round(max);
            if (hi < lo) { // ImageJ ignores such a range
                lo = 0;
                hi = 255;
            }
            byte[] map = new byte[256];
            for (int v = 0; v < 256; v++) {
                int idx;
                if (v < lo) {
                    idx = 0;
                } else if (v > hi) {
                    idx = 255;
                } else {
                    idx = (int) (256.0 * (v - lo) / (hi - lo)); // NaN (lo == hi) casts to 0, as in ImageJ
                    idx = clamp(idx);
                }
                map[v] = (byte) idx;
            }
            byte[] out = new byte[px.length];
            for (int i = 0; i < px.length; i++) {
                out[i] = map[px[i] & 0xff];
            }
            return out;
        }
        // A fresh processor over the same pixels, so the image's own processor keeps its range.
        ImageProcessor copy = ip.createProcessor(ip.getWidth(), ip.getHeight());
        copy.setPixels(ip.getPixels());
        copy.setMinAndMax(min, max);
        return (byte[]) copy.convertToByteProcessor(true).getPixels();
    }

    /** A channel as ImageJ's "Composite Invert" mode colours it (floor scaling to 0..255, then the LUT). */
    private static int[] invertModeRgb(ImageProcessor ip, LUT lut) {
        double min = lut.min;
        double max = lut.max;
        if (min == 0 && max == 0) {
            ip.resetMinAndMax();
            min = ip.getMin();
            max = ip.getMax();
        }
        double scale = 255.0 / (max - min);
        int n = ip.getPixelCount();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int v = clamp((int) Math.floor((ip.getf(i) - min) * scale));
            out[i] = lut.getRGB(v) & 0xffffff;
        }
        return out;
    }

    /**
     * The faces of some planes of an ImageJ image; title, plane count and position style are taken
     * from the image.
     *
     * @param imp the image
     * @param planes the planes searched
     * @return the value
     */
    public static ImageFaces faces(ImagePlus imp, List<PlaneFaces> planes) {
        int planeCount = imp.getNSlices() * imp.getNFrames();
        // A plain stack index is read by ImageJ as z or t on hyperstacks: ambiguous when both vary, and
        // it would pin the ROI to channel 1 of a multi-channel image.
        boolean hyper = imp.getNChannels() > 1 || imp.getNSlices() > 1 && imp.getNFrames() > 1;
        return new ImageFaces(imp.getTitle(), planeCount, hyper, planes);
    }
}

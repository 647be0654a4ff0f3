package faceattr.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.RgbImage;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;
import java.awt.Color;
import org.junit.jupiter.api.Test;

/** Conversion of ImageJ images to RGB as displayed; images are built in memory, no display needed. */
class ImagePlusConverterTest {

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    private static int grey(int v) {
        return rgb(v, v, v);
    }

    private static ByteProcessor bytes(int w, int h, int... values) {
        ByteProcessor bp = new ByteProcessor(w, h);
        for (int i = 0; i < values.length; i++) {
            bp.set(i, values[i]);
        }
        return bp;
    }

    /** ImageJ's own rendering of a single-channel processor, the oracle for "what the user sees". */
    private static int[] imagejRendering(ImageProcessor ip) {
        ColorProcessor cp = new ColorProcessor(ip.createImage());
        int[] px = (int[]) cp.getPixels();
        int[] out = new int[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = px[i] & 0xffffff;
        }
        return out;
    }

    private static int[] packed(RgbImage img) {
        int[] px = img.toPackedRgb();
        for (int i = 0; i < px.length; i++) {
            px[i] &= 0xffffff;
        }
        return px;
    }

    @Test
    void greyEightBitIsReplicated() {
        ImagePlus imp = new ImagePlus("g8", bytes(3, 1, 0, 100, 255));
        RgbImage out = ImagePlusConverter.convert(imp);
        assertEquals(3, out.width());
        assertEquals(1, out.height());
        assertArrayEquals(new int[] {grey(0), grey(100), grey(255)}, packed(out));
    }

    @Test
    void eightBitGoesThroughTheDisplayRange() {
        ImagePlus imp = new ImagePlus("g8", bytes(5, 1, 40, 50, 100, 150, 200));
        imp.setDisplayRange(50, 150);
        RgbImage out = ImagePlusConverter.convert(imp);
        // ImageJ stretches the LUT: index = (int) (256 * (v - min) / (max - min)), clamped.
        assertArrayEquals(new int[] {grey(0), grey(0), grey(128), grey(255), grey(255)}, packed(out));
        assertArrayEquals(imagejRendering(imp.getProcessor()), packed(out));
    }

    @Test
    void eightBitWithColourLutGoesThroughTheLut() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) i;
            b[i] = (byte) (255 - i);
        }
        ByteProcessor bp = bytes(2, 1, 0, 200);
        bp.setLut(new LUT(r, g, b));
        ImagePlus imp = new ImagePlus("lut", bp);
        assertArrayEquals(new int[] {rgb(0, 0, 255), rgb(200, 0, 55)}, packed(ImagePlusConverter.convert(imp)));
        assertArrayEquals(imagejRendering(imp.getProcessor()), packed(ImagePlusConverter.convert(imp)));
    }

    @Test
    void invertedLutShowsInverted() {
        ByteProcessor bp = bytes(2, 1, 0, 255);
        bp.invertLut();
        ImagePlus imp = new ImagePlus("inv", bp);
        assertArrayEquals(new int[] {grey(255), grey(0)}, packed(ImagePlusConverter.convert(imp)));
    }

    @Test
    void sixteenBitIsScaledThroughTheDisplayRange() {
        ShortProcessor sp = new ShortProcessor(4, 1);
        int[] v = {500, 1000, 1500, 3000};
        for (int i = 0; i < v.length; i++) {
            sp.set(i, v[i]);
        }
        ImagePlus imp = new ImagePlus("g16", sp);
        imp.setDisplayRange(1000, 2000);
        // ImageJ: (v - min) * 256 / (max - min + 1) + 0.5, clamped: 1500 -> 128
        assertArrayEquals(new int[] {grey(0), grey(0), grey(128), grey(255)}, packed(ImagePlusConverter.convert(imp)));
        assertArrayEquals(imagejRendering(imp.getProcessor()), packed(ImagePlusConverter.convert(imp)));
        assertEquals(1000, imp.getDisplayRangeMin()); // the image is not changed
        assertEquals(2000, imp.getDisplayRangeMax());
    }

    @Test
    void thirtyTwoBitIsScaledThroughTheDisplayRange() {
        FloatProcessor fp = new FloatProcessor(4, 1, new float[] {-1f, 0f, 0.5f, 2f});
        ImagePlus imp = new ImagePlus("g32", fp);
        imp.setDisplayRange(0, 1);
        // ImageJ: (v - min) * 255 / (max - min) + 0.5: 0.5 -> 128
        assertArrayEquals(new int[] {grey(0), grey(0), grey(128), grey(255)}, packed(ImagePlusConverter.convert(imp)));
        assertArrayEquals(imagejRendering(imp.getProcessor()), packed(ImagePlusConverter.convert(imp)));
    }

    @Test
    void sixteenBitWithColourLut() {
        ShortProcessor sp = new ShortProcessor(2, 1);
        sp.set(0, 0);
        sp.set(1, 4095);
        sp.setLut(LUT.createLutFromColor(Color.green));
        ImagePlus imp = new ImagePlus("g16lut", sp);
        imp.setDisplayRange(0, 4095);
        assertArrayEquals(new int[] {rgb(0, 0, 0), rgb(0, 255, 0)}, packed(ImagePlusConverter.convert(imp)));
    }

    @Test
    void rgbIsTakenAsIs() {
        ColorProcessor cp = new ColorProcessor(2, 1, new int[] {0xff123456, 0xffabcdef});
        RgbImage out = ImagePlusConverter.convert(new ImagePlus("rgb", cp));
        assertArrayEquals(new int[] {0x123456, 0xabcdef}, packed(out));
        assertArrayEquals(new byte[] {0x12, 0x34, 0x56, (byte) 0xab, (byte) 0xcd, (byte) 0xef}, out.pixels());
    }

    @Test
    void rgbStackSlices() {
        ImageStack stack = new ImageStack(1, 1);
        stack.addSlice(new ColorProcessor(1, 1, new int[] {0x010203}));
        stack.addSlice(new ColorProcessor(1, 1, new int[] {0x040506}));
        ImagePlus imp = new ImagePlus("rgbstack", stack);
        assertArrayEquals(new int[] {0x040506}, packed(ImagePlusConverter.convert(imp, 2, 1)));
        assertArrayEquals(new int[] {0x010203}, packed(ImagePlusConverter.convert(imp, 1, 1)));
    }

    @Test
    void greyStackUsesTheImageDisplayRangeOnEverySlice() {
        ImageStack stack = new ImageStack(1, 1);
        for (int v : new int[] {100, 200, 300}) {
            ShortProcessor sp = new ShortProcessor(1, 1);
            sp.set(0, v);
            stack.addSlice(sp);
        }
        ImagePlus imp = new ImagePlus("stack16", stack);
        imp.setDisplayRange(0, 255);
        assertArrayEquals(new int[] {grey(100)}, packed(ImagePlusConverter.convert(imp, 1, 1)));
        assertArrayEquals(new int[] {grey(200)}, packed(ImagePlusConverter.convert(imp, 2, 1)));
        assertArrayEquals(new int[] {grey(255)}, packed(ImagePlusConverter.convert(imp, 3, 1)));
        assertEquals(1, imp.getCurrentSlice()); // position unchanged
    }

    @Test
    void hyperstackPlanesAreAddressedByZAndT() {
        ImageStack stack = new ImageStack(1, 1);
        for (int t = 1; t <= 3; t++) {
            for (int z = 1; z <= 2; z++) {
                stack.addSlice(bytes(1, 1, 10 * t + z));
            }
        }
        ImagePlus imp = new ImagePlus("hyper", stack);
        imp.setDimensions(1, 2, 3);
        imp.setOpenAsHyperStack(true);
        assertArrayEquals(new int[] {grey(32)}, packed(ImagePlusConverter.convert(imp, 2, 3)));
        assertArrayEquals(new int[] {grey(21)}, packed(ImagePlusConverter.convert(imp, 1, 2)));
        assertThrows(IllegalArgumentException.class, () -> ImagePlusConverter.convert(imp, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> ImagePlusConverter.convert(imp, 1, 4));
    }

    /** Two 8-bit channels (red, green), 2 z slices; channel c, slice z has value 100 * c + z. */
    private static CompositeImage twoChannels(int mode) {
        ImageStack stack = new ImageStack(1, 1);
        for (int z = 1; z <= 2; z++) {
            for (int c = 1; c <= 2; c++) {
                stack.addSlice(bytes(1, 1, 100 * c + z));
            }
        }
        ImagePlus imp = new ImagePlus("comp", stack);
        imp.setDimensions(2, 2, 1);
        CompositeImage ci = new CompositeImage(imp, mode);
        ci.setChannelLut(LUT.createLutFromColor(Color.red), 1);
        ci.setChannelLut(LUT.createLutFromColor(Color.green), 2);
        for (int c = 1; c <= 2; c++) {
            ci.getChannelLut(c).min = 0;
            ci.getChannelLut(c).max = 255;
        }
        return ci;
    }

    @Test
    void compositeMergesActiveChannelsThroughTheirLuts() {
        CompositeImage ci = twoChannels(CompositeImage.COMPOSITE);
        assertArrayEquals(new int[] {rgb(101, 201, 0)}, packed(ImagePlusConverter.convert(ci, 1, 1)));
        assertArrayEquals(new int[] {rgb(102, 202, 0)}, packed(ImagePlusConverter.convert(ci, 2, 1)));
        ci.setActiveChannels("01");
        assertArrayEquals(new int[] {rgb(0, 202, 0)}, packed(ImagePlusConverter.convert(ci, 2, 1)));
    }

    @Test
    void compositeUsesEachChannelsDisplayRange() {
        CompositeImage ci = twoChannels(CompositeImage.COMPOSITE);
        ci.getChannelLut(2).min = 201;
        ci.getChannelLut(2).max = 202;
        // channel 2 at z=1 is 201 = its min -> 0; channel 1 keeps 0..255
        assertArrayEquals(new int[] {rgb(101, 0, 0)}, packed(ImagePlusConverter.convert(ci, 1, 1)));
    }

    @Test
    void compositeSumClipsAt255() {
        CompositeImage ci = twoChannels(CompositeImage.COMPOSITE);
        ci.setChannelLut(LUT.createLutFromColor(Color.red), 2);
        ci.getChannelLut(2).min = 0;
        ci.getChannelLut(2).max = 255;
        assertArrayEquals(new int[] {rgb(255, 0, 0)}, packed(ImagePlusConverter.convert(ci, 1, 1)));
    }

    @Test
    void compositeMaxProjectionMode() {
        CompositeImage ci = twoChannels(CompositeImage.COMPOSITE);
        ci.setChannelLut(LUT.createLutFromColor(Color.red), 2);
        ci.getChannelLut(2).min = 0;
        ci.getChannelLut(2).max = 255;
        ci.setProp("CompositeProjection", "Max");
        assertArrayEquals(new int[] {rgb(201, 0, 0)}, packed(ImagePlusConverter.convert(ci, 1, 1)));
    }

    @Test
    void compositeInColourModeShowsTheCurrentChannelOnly() {
        CompositeImage ci = twoChannels(CompositeImage.COLOR);
        ci.setC(2);
        assertArrayEquals(new int[] {rgb(0, 202, 0)}, packed(ImagePlusConverter.convert(ci, 2, 1)));
    }

    @Test
    void compositeInGreyscaleModeShowsTheCurrentChannelInGrey() {
        CompositeImage ci = twoChannels(CompositeImage.GRAYSCALE);
        ci.setC(1);
        assertArrayEquals(new int[] {grey(101)}, packed(ImagePlusConverter.convert(ci, 1, 1)));
    }

    @Test
    void compositeMatchesImageJsOwnMergedView() {
        CompositeImage ci = twoChannels(CompositeImage.COMPOSITE);
        ci.setPosition(1, 2, 1);
        ci.updateImage();
        int[] shown = imagejRendering(new ColorProcessor(ci.getImage()));
        assertArrayEquals(shown, packed(ImagePlusConverter.convert(ci)));
    }

    @Test
    void randomImagesMatchImageJsRendering() {
        java.util.Random rnd = new java.util.Random(42);
        LUT[] luts = {null, LUT.createLutFromColor(Color.magenta), LUT.createLutFromColor(Color.orange)};
        for (int iter = 0; iter < 30; iter++) {
            ImageProcessor ip;
            switch (iter % 3) {
                case 0 -> {
                    ip = new ByteProcessor(7, 5);
                    for (int i = 0; i < 35; i++) {
                        ip.set(i, rnd.nextInt(256));
                    }
                }
                case 1 -> {
                    ip = new ShortProcessor(7, 5);
                    for (int i = 0; i < 35; i++) {
                        ip.set(i, rnd.nextInt(65536));
                    }
                }
                default -> {
                    float[] f = new float[35];
                    for (int i = 0; i < 35; i++) {
                        f[i] = (float) (rnd.nextGaussian() * 100);
                    }
                    ip = new FloatProcessor(7, 5, f);
                }
            }
            LUT lut = luts[(iter / 3) % luts.length];
            if (lut != null) {
                ip.setLut(lut);
            }
            ImagePlus imp = new ImagePlus("r" + iter, ip);
            double lo = ip.getMin() + rnd.nextDouble() * (ip.getMax() - ip.getMin()) / 2;
            double hi = lo + 1 + rnd.nextDouble() * (ip.getMax() - lo);
            imp.setDisplayRange(Math.floor(lo), Math.ceil(hi));
            int[] expected = imagejRendering(imp.getProcessor());
            assertArrayEquals(expected, packed(ImagePlusConverter.convert(imp)), "iteration " + iter);
        }
    }

    @Test
    void randomSixteenBitCompositeMatchesImageJsMergedView() {
        java.util.Random rnd = new java.util.Random(7);
        ImageStack stack = new ImageStack(6, 4);
        for (int c = 0; c < 3; c++) {
            ShortProcessor sp = new ShortProcessor(6, 4);
            for (int i = 0; i < 24; i++) {
                sp.set(i, rnd.nextInt(4096));
            }
            stack.addSlice(sp);
        }
        ImagePlus imp = new ImagePlus("c16", stack);
        imp.setDimensions(3, 1, 1);
        CompositeImage ci = new CompositeImage(imp, CompositeImage.COMPOSITE);
        for (int c = 1; c <= 3; c++) {
            ci.setPosition(c, 1, 1);
            ci.setDisplayRange(100 * c, 3000 + 300 * c);
        }
        ci.setActiveChannels("101");
        ci.updateImage();
        int[] shown = imagejRendering(new ColorProcessor(ci.getImage()));
        // channels 1 (red) and 3 (blue) show, channel 2 (green) is off
        assertTrue(java.util.Arrays.stream(shown).anyMatch(p -> (p >> 16) > 0 && (p & 0xff) > 0));
        assertTrue(java.util.Arrays.stream(shown).allMatch(p -> (p & 0xff00) == 0));
        assertArrayEquals(shown, packed(ImagePlusConverter.convert(ci)));
    }

    @Test
    void currentPositionIsTheDefault() {
        ImageStack stack = new ImageStack(1, 1);
        stack.addSlice(bytes(1, 1, 1));
        stack.addSlice(bytes(1, 1, 2));
        ImagePlus imp = new ImagePlus("s", stack);
        imp.setSlice(2);
        assertArrayEquals(new int[] {grey(2)}, packed(ImagePlusConverter.convert(imp)));
    }
}

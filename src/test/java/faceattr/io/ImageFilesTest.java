package faceattr.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
    @TempDir
    Path dir;

    private static RgbImage randomImage(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    private static BufferedImage smoothRgb(int w, int h) {
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                b.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 128);
            }
        }
        return b;
    }

    private Path write(BufferedImage image, String format, String name) throws IOException {
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + format);
        return file;
    }

    private static int gray(RgbImage image, int x, int y) {
        int c = image.rgbAt(x, y);
        assertEquals(c & 0xff, (c >> 8) & 0xff, "grey must fill all channels");
        assertEquals(c & 0xff, (c >> 16) & 0xff, "grey must fill all channels");
        return c & 0xff;
    }

    private void assertUnreadable(Path file) {
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> ImageFiles.read(file));
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertEquals(file, e.file());
    }

    @Test
    void bytesDecodeAsTheFileAndBadBytesAreNamedErrors() throws Exception {
        Path png = Path.of("sample-data", "astronaut.png");
        byte[] bytes = Files.readAllBytes(png);
        RgbImage fromFile = ImageFiles.read(png);
        RgbImage fromBytes = ImageFiles.read(bytes, "hdfs://cluster/photos/astronaut.png");
        assertEquals(fromFile.width(), fromBytes.width());
        assertArrayEquals(fromFile.pixels(), fromBytes.pixels());
        FaceAttrException empty = assertThrows(FaceAttrException.class, () -> ImageFiles.read(new byte[0], "a.jpg"));
        assertTrue(empty.getMessage().contains("a.jpg") && empty.getMessage().contains("empty"), empty.getMessage());
        byte[] cut = Arrays.copyOf(bytes, bytes.length / 3);
        FaceAttrException bad = assertThrows(FaceAttrException.class, () -> ImageFiles.read(cut, "s3://b/cut.png"));
        assertTrue(bad.getMessage().contains("cut.png") && bad.getMessage().contains("not a readable image"),
                bad.getMessage());
    }

    @Test
    void pngRoundTripIsExactAndLeavesNoTemporaryFile() throws Exception {
        RgbImage image = randomImage(37, 23, 1);
        Path file = dir.resolve("sub/out.png");
        ImageFiles.writePng(image, file);
        RgbImage back = ImageFiles.read(file);
        assertEquals(37, back.width());
        assertEquals(23, back.height());
        assertArrayEquals(image.pixels(), back.pixels());
        RgbImage other = randomImage(5, 4, 2);
        ImageFiles.writePng(other, file);
        assertArrayEquals(other.pixels(), ImageFiles.read(file).pixels());
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList());
        }
        // The PNG gets the folder's usual permissions, not a temporary file's owner-only ones.
        Path plain = Files.createFile(file.resolveSibling("plain.txt"));
        if (Files.getFileStore(plain).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
        }
    }

    @Test
    void otherLosslessFormatsReadExactly() throws Exception {
        RgbImage image = randomImage(9, 6, 3);
        BufferedImage b = new BufferedImage(9, 6, BufferedImage.TYPE_INT_RGB);
        b.setRGB(0, 0, 9, 6, image.toPackedRgb(), 0, 9);
        for (String format : new String[] {"bmp", "tif"}) {
            assertArrayEquals(image.pixels(), ImageFiles.read(write(b, format, "x." + format)).pixels(), format);
        }
    }

    @Test
    void jpegReadsClose() throws Exception {
        BufferedImage b = smoothRgb(64, 48);
        RgbImage read = ImageFiles.read(write(b, "jpg", "smooth.JPG"));
        int worst = 0;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs(((b.getRGB(x, y) >> shift) & 0xff) - ((read.rgbAt(x, y) >> shift) & 0xff));
                    worst = Math.max(worst, d);
                }
            }
        }
        assertTrue(worst < 16, "JPEG differs by " + worst);
    }

    @Test
    void eightBitGrayKeepsItsValues() throws Exception {
        BufferedImage g = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 64, 128, 255});
        RgbImage read = ImageFiles.read(write(g, "png", "gray8.png"));
        // No linear-to-sRGB conversion: 128 stays 128 (BufferedImage.getRGB would give 188).
        assertArrayEquals(new int[] {0, 64, 128, 255},
                new int[] {gray(read, 0, 0), gray(read, 1, 0), gray(read, 2, 0), gray(read, 3, 0)});
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() throws Exception {
        BufferedImage g = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 257 * 37, 0x8000, 65535});
        RgbImage read = ImageFiles.read(write(g, "png", "gray16.png"));
        assertArrayEquals(new int[] {0, 37, 128, 255},
                new int[] {gray(read, 0, 0), gray(read, 1, 0), gray(read, 2, 0), gray(read, 3, 0)});
    }

    @Test
    void alphaIsCompositedOntoWhite() throws Exception {
        BufferedImage a = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        a.setRGB(0, 0, 0x00000000);
        a.setRGB(1, 0, 0x80ff0000);
        a.setRGB(2, 0, 0xff0000ff);
        RgbImage read = ImageFiles.read(write(a, "png", "alpha.png"));
        assertEquals(0xffffff, read.rgbAt(0, 0), "transparent must become white");
        int half = read.rgbAt(1, 0);
        assertEquals(255, (half >> 16) & 0xff);
        double expected = 255 * (1 - 128 / 255.0);
        assertEquals(expected, (half >> 8) & 0xff, 1);
        assertEquals(expected, half & 0xff, 1);
        assertEquals(0x0000ff, read.rgbAt(2, 0));
    }

    @Test
    void grayWithAlphaIsCompositedOntoWhite() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(3, 1);
        raster.setSamples(0, 0, 3, 1, 0, new int[] {100, 100, 0});
        raster.setSamples(0, 0, 3, 1, 1, new int[] {255, 0, 51});
        BufferedImage g = new BufferedImage(cm, raster, false, null);
        RgbImage read = ImageFiles.read(write(g, "png", "grayalpha.png"));
        assertEquals(100, gray(read, 0, 0));
        assertEquals(255, gray(read, 1, 0));
        assertEquals(204, gray(read, 2, 0));
    }

    @Test
    void indexedColoursGoThroughThePalette() throws Exception {
        byte[] r = {0, (byte) 255, 10};
        byte[] gr = {0, 0, 20};
        byte[] b = {0, 0, 30};
        IndexColorModel palette = new IndexColorModel(2, 3, r, gr, b);
        BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        indexed.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {2, 1, 0});
        for (String format : new String[] {"png", "gif"}) {
            RgbImage read = ImageFiles.read(write(indexed, format, "indexed." + format));
            assertEquals(0x0a141e, read.rgbAt(0, 0), format);
            assertEquals(0xff0000, read.rgbAt(1, 0), format);
            assertEquals(0x000000, read.rgbAt(2, 0), format);
        }
    }

    @Test
    void truncatedJpegIsRejectedWithTheFileName() throws Exception {
        byte[] full = Files.readAllBytes(write(smoothRgb(64, 48), "jpg", "full.jpg"));
        Path cut = dir.resolve("cut_in_half.jpg");
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        assertUnreadable(cut);
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> ImageFiles.read(cut));
        assertTrue(e.getMessage().contains("not a readable image (JPEG, PNG, TIFF, BMP, GIF)"), e.getMessage());
        assertTrue(e.getMessage().contains("check the file or convert it"), e.getMessage());
    }

    @Test
    void jpegMissingOnlyItsEndMarkerStillReads() throws Exception {
        byte[] full = Files.readAllBytes(write(smoothRgb(64, 48), "jpg", "full.jpg"));
        Path noEoi = dir.resolve("no_eoi.jpg");
        Files.write(noEoi, Arrays.copyOf(full, full.length - 2));
        assertArrayEquals(ImageFiles.read(dir.resolve("full.jpg")).pixels(), ImageFiles.read(noEoi).pixels());
    }

    @Test
    void nonImagesAreRejectedWithTheFileName() throws Exception {
        Path text = dir.resolve("notes_really.jpg");
        Files.writeString(text, "this is not a JPEG\n", StandardCharsets.UTF_8);
        assertUnreadable(text);
        Path empty = Files.createFile(dir.resolve("empty.png"));
        assertUnreadable(empty);
        Path garbage = dir.resolve("garbage.png");
        byte[] png = Files.readAllBytes(write(smoothRgb(40, 30), "png", "good.png"));
        Files.write(garbage, Arrays.copyOf(png, png.length / 2));
        assertUnreadable(garbage);
        assertUnreadable(dir.resolve("missing.png"));
        assertUnreadable(Files.createDirectory(dir.resolve("folder.png")));
    }

    @Test
    void looksLikeImageByExtensionInAnyCase() {
        for (String name : new String[] {"a.jpg", "b.JPEG", "c.Png", "d.bmp", "e.gif", "f.TIF", "g.tiff"}) {
            assertTrue(ImageFiles.looksLikeImage(Path.of("x", name)), name);
        }
        for (String name : new String[] {"a.txt", "jpg", "a.jpg.txt", ".png", "a.", "a.webp"}) {
            assertFalse(ImageFiles.looksLikeImage(Path.of("x", name)), name);
        }
    }

    @Test
    void listImagesRecursesSortsAndWarnsAboutSkippedFiles() throws Exception {
        Path root = Files.createDirectory(dir.resolve("data"));
        Path a = Files.createDirectories(root.resolve("a/b"));
        Path img1 = Files.createFile(root.resolve("a/2.png"));
        Path img2 = Files.createFile(a.resolve("1.JPG"));
        Path img3 = Files.createFile(root.resolve("z.tiff"));
        Path img4 = Files.createFile(root.resolve("a/10.png"));
        Files.createFile(root.resolve("readme.txt"));
        Files.createFile(a.resolve("labels.csv"));
        Files.createFile(root.resolve(".DS_Store"));
        Files.createFile(a.resolve("._1.JPG"));
        Files.createDirectories(root.resolve(".cache")).resolve("x.png").toFile().createNewFile();
        List<String> warnings = new ArrayList<>();
        List<Path> found = ImageFiles.listImages(root, warnings::add);
        assertEquals(List.of(img4, img1, img2, img3), found);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("readme.txt")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("labels.csv")), warnings.toString());

        List<String> single = new ArrayList<>();
        assertEquals(List.of(img3), ImageFiles.listImages(img3, single::add));
        assertEquals(List.of(), ImageFiles.listImages(root.resolve("readme.txt"), single::add));
        assertEquals(1, single.size());
        assertTrue(single.get(0).contains("readme.txt"));

        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> ImageFiles.listImages(root.resolve("nowhere"), w -> { }));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }
}

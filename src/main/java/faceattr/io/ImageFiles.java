package faceattr.io;

import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image files into {@link RgbImage}, writes PNGs, and lists the images in a folder tree.
 *
 * <p>Every readable file becomes 8-bit RGB: grey images are copied to the three channels with
 * their bit depth scaled to 0..255 (no colour management, so the grey values stay as stored),
 * indexed images go through their palette, and transparent pixels are composited onto
 * <b>white</b>, because transparent areas of portraits and cut-outs are meant as empty
 * background and white is what viewers show there. Only the first image of a multi-image file
 * (TIFF stack, animated GIF) is read.
 */
public final class ImageFiles {
    /** Extensions (lower case, no dot) that {@link #looksLikeImage(Path)} accepts. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff");

    private static final String NOT_READABLE =
            "not a readable image (JPEG, PNG, TIFF, BMP, GIF); check the file or convert it";

    private ImageFiles() {
    }

    /**
     * Reads an image file as 8-bit RGB.
     *
     * @param file the file
     * @return the image
     * @throws FaceAttrException naming the file if it is missing, a folder, empty, truncated,
     *     corrupt or in no format that {@code javax.imageio} decodes
     */
    public static RgbImage read(Path file) throws FaceAttrException {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
            throw new FaceAttrException(file, "file not found; check the path", null);
        }
        if (Files.isDirectory(file)) {
            throw new FaceAttrException(file, "is a folder, not an image file; choose an image", null);
        }
        if (!Files.isReadable(file)) {
            throw new FaceAttrException(file, "the file cannot be read; check its permissions", null);
        }
        try {
            if (Files.size(file) == 0) {
                throw new FaceAttrException(file, "the file is empty (0 bytes), " + NOT_READABLE, null);
            }
            return toRgb(decode(file));
        } catch (IOException | RuntimeException e) {
            // Decoders signal corrupt data with all kinds of runtime exceptions, not only IOException.
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new FaceAttrException(file, NOT_READABLE + " (" + why + ")", e);
        }
    }

    /**
     * Decodes an image file's bytes (read from any file system, e.g. by a Spark executor) as
     * 8-bit RGB, with the same checks as {@link #read(Path)}.
     *
     * @param bytes the file's content
     * @param name the file's name or URI, for messages
     * @return the image
     * @throws FaceAttrException naming the file when the bytes are empty, truncated, corrupt or in
     *     no format that {@code javax.imageio} decodes
     */
    public static RgbImage read(byte[] bytes, String name) throws FaceAttrException {
        Path file = Path.of(name);
        if (bytes.length == 0) {
            throw new FaceAttrException(file, "the file is empty (0 bytes), " + NOT_READABLE, null);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return toRgb(decode(in));
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new FaceAttrException(file, NOT_READABLE + " (" + why + ")", e);
        }
    }

    private static BufferedImage decode(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return decode(in);
        }
    }

    private static BufferedImage decode(ImageInputStream in) throws IOException {
        if (in == null) {
            throw new IOException("cannot open the file");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new IOException("no image decoder recognises its content");
        }
        ImageReader reader = readers.next();
        try {
            List<String> dataLoss = new ArrayList<>();
            // The JPEG decoder reports a cut-off file only as a warning and fills the rest with
            // grey; a half-grey face must not reach the detector, so that warning is an error here.
            reader.addIIOReadWarningListener((source, warning) -> {
                if (isDataLoss(warning)) {
                    dataLoss.add(warning);
                }
            });
            reader.setInput(in, true, true);
            BufferedImage image = reader.read(0);
            if (!dataLoss.isEmpty()) {
                throw new IOException(dataLoss.get(0));
            }
            return image;
        } finally {
            reader.dispose();
        }
    }

    /*
     * A file that lacks only its end marker ("Truncated File - Missing EOI marker" alone) decoded
     * completely and is common from cameras and web tools, so it passes; losing pixel data is what
     * "premature end of data segment" reports.
     */
    private static boolean isDataLoss(String warning) {
        return warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end");
    }

    /**
     * Converts any decoded image to 8-bit RGB, grey and alpha handled as the class describes.
     *
     * @param image a decoded image
     * @return the RGB image
     */
    static RgbImage toRgb(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        int type = image.getRaster().getDataBuffer().getDataType();
        boolean integerSamples = type != DataBuffer.TYPE_FLOAT && type != DataBuffer.TYPE_DOUBLE;
        // getRGB would push grey through a linear-to-sRGB conversion and brighten it; read samples instead.
        if (!(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && integerSamples && cm.getComponentSize(0) <= 16) {
            return fromGray(image);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        if (cm.hasAlpha()) {
            for (int i = 0; i < argb.length; i++) {
                int c = argb[i];
                int a = c >>> 24;
                argb[i] = onWhite((c >> 16) & 0xff, a) << 16 | onWhite((c >> 8) & 0xff, a) << 8 | onWhite(c & 0xff, a);
            }
        }
        return RgbImage.fromPackedRgb(w, h, argb);
    }

    private static int onWhite(int value, int alpha) {
        return (value * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    private static RgbImage fromGray(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        double grayMax = (1 << cm.getComponentSize(0)) - 1;
        boolean alpha = cm.hasAlpha();
        int alphaBand = cm.getNumComponents() - 1;
        double alphaMax = alpha ? (1L << cm.getComponentSize(alphaBand)) - 1 : 1;
        boolean premultiplied = cm.isAlphaPremultiplied();
        byte[] rgb = new byte[w * h * 3];
        int[] gray = new int[w];
        int[] alphas = new int[w];
        for (int y = 0, o = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, gray);
            if (alpha) {
                raster.getSamples(0, y, w, 1, alphaBand, alphas);
            }
            for (int x = 0; x < w; x++, o += 3) {
                double g = gray[x] / grayMax;
                if (alpha) {
                    double a = alphas[x] / alphaMax;
                    g = (premultiplied ? g : g * a) + (1 - a);
                }
                byte v = (byte) Math.min(255, Math.round(g * 255));
                rgb[o] = v;
                rgb[o + 1] = v;
                rgb[o + 2] = v;
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * Whether a path names an image file by its extension, for folder scans; the content is not
     * opened.
     *
     * @param file a path
     * @return true for .jpg, .jpeg, .png, .bmp, .gif, .tif, .tiff in any letter case
     */
    public static boolean looksLikeImage(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(s.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Writes an image as PNG so that readers never see a half-written file: the PNG goes to a
     * temporary file in the same folder, is flushed to disk, then renamed over the target.
     * Missing parent folders are created.
     *
     * @param image the image
     * @param file the target; replaced if it exists
     * @throws FaceAttrException naming the file if it cannot be written
     */
    public static void writePng(RgbImage image, Path file) throws FaceAttrException {
        Objects.requireNonNull(image, "image");
        try {
            AtomicFiles.write(file, tmp -> {
                if (!ImageIO.write(toBufferedImage(image), "png", tmp.toFile())) {
                    throw new IOException("this Java has no PNG encoder");
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new FaceAttrException(file, "could not write the PNG (" + e.getMessage()
                    + "); check that the folder is writable and the disk is not full", e);
        }
    }



    /**
     * Writes an image as JPEG at a chosen quality, atomically like {@link #writePng}.
     *
     * @param image the image
     * @param file the target; replaced if it exists
     * @param quality 0 to 1 (the datasets' own chips are about 0.95; ImageIO's default is 0.75)
     * @throws FaceAttrException naming the file if it cannot be written
     */
    public static void writeJpeg(RgbImage image, Path file, float quality) throws FaceAttrException {
        Objects.requireNonNull(image, "image");
        try {
            AtomicFiles.write(file, tmp -> {
                javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpg").next();
                javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
                p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(quality);
                try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
                    w.setOutput(out);
                    w.write(null, new javax.imageio.IIOImage(toBufferedImage(image), null, null), p);
                } finally {
                    w.dispose();
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new FaceAttrException(file, "could not write the JPEG (" + e.getMessage()
                    + "); check that the folder is writable and the disk is not full", e);
        }
    }

    /**
     * @param image an image
     * @return it as an AWT image (TYPE_INT_RGB), for Swing and ImageIO
     */
    public static BufferedImage toBufferedImage(RgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, image.width(), image.height(), image.toPackedRgb(), 0, image.width());
        return out;
    }

    /**
     * Lists the image files under a folder, recursively, sorted by path; or a single image file.
     * Hidden files and folders (name starting with ".") are skipped silently, since they are
     * system metadata such as {@code .DS_Store} or macOS {@code ._photo.jpg} companions rather
     * than images. Other non-image files and unreadable entries are skipped with a warning.
     *
     * @param folderOrFile a folder to scan, or one file
     * @param warnings receives one line per skipped entry, naming it
     * @return the image files found, sorted; empty if none
     * @throws FaceAttrException naming the path if it does not exist or the folder cannot be read
     */
    public static List<Path> listImages(Path folderOrFile, Consumer<String> warnings) throws FaceAttrException {
        Objects.requireNonNull(folderOrFile, "folderOrFile");
        Objects.requireNonNull(warnings, "warnings");
        if (!Files.exists(folderOrFile)) {
            throw new FaceAttrException(folderOrFile, "not found; check the path", null);
        }
        if (!Files.isDirectory(folderOrFile)) {
            if (looksLikeImage(folderOrFile)) {
                return List.of(folderOrFile);
            }
            warnings.accept(skipped(folderOrFile.getFileName()));
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(folderOrFile, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new Collector(folderOrFile, found, warnings));
        } catch (IOException e) {
            throw new FaceAttrException(folderOrFile, "the folder cannot be read (" + e.getMessage()
                    + "); check its permissions", e);
        }
        found.sort(null);
        return found;
    }

    private static String skipped(Path name) {
        return "skipped " + name + ": not an image file (JPEG, PNG, TIFF, BMP, GIF)";
    }

    private static boolean isHidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /** Walks one folder tree, collecting images and reporting what it skips. */
    private static final class Collector extends SimpleFileVisitor<Path> {
        private final Path root;
        private final List<Path> found;
        private final Consumer<String> warnings;

        Collector(Path root, List<Path> found, Consumer<String> warnings) {
            this.root = root;
            this.found = found;
            this.warnings = warnings;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return !dir.equals(root) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (isHidden(file)) {
                return FileVisitResult.CONTINUE;
            }
            if (attrs.isRegularFile() && looksLikeImage(file)) {
                found.add(file);
            } else {
                warnings.accept(skipped(root.relativize(file)));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (file.equals(root)) {
                throw e;
            }
            String why = e instanceof FileSystemLoopException ? "a link loops back to a parent folder"
                    : "cannot be read (" + e.getMessage() + ")";
            warnings.accept("skipped " + root.relativize(file) + ": " + why);
            return FileVisitResult.CONTINUE;
        }
    }
}

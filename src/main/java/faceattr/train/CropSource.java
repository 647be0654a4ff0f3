package faceattr.train;

import faceattr.align.FaceAligner;
import faceattr.image.ImageOps;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.data.Sample;
import faceattr.detect.DetectedFace;
import faceattr.detect.FaceDetector;
import faceattr.io.ImageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Turns a dataset sample into the face crop the network reads, at the model's input size.
 * Aligned samples (the datasets' face chips, our exports) are read and resized. Other images go
 * through detection (the highest-scoring face) and the 5-point alignment; those crops are cached
 * as PNG files keyed by the image's path, size and modification time, the detector settings and
 * the crop size, so the next epoch and the next run read the crop instead of detecting again.
 * Thread-safe: the training loader's threads make crops in parallel; detection takes turns.
 */
public final class CropSource {
    private final int size;
    private final Path cacheDir;
    private final Supplier<FaceDetector> detectorFactory;
    private final String detectorKey;
    private FaceDetector detector;

    /**
     * @param size the crop side (the model's input size)
     * @param cacheDir where aligned crops of unaligned images are cached, or null for no cache
     * @param detectorFactory makes the detector on first use (only unaligned samples need one)
     * @param detectorKey a string that changes whenever the detector's settings change (cache key)
     */
    public CropSource(int size, Path cacheDir, Supplier<FaceDetector> detectorFactory, String detectorKey) {
        this.size = size;
        this.cacheDir = cacheDir;
        this.detectorFactory = detectorFactory;
        this.detectorKey = detectorKey;
    }

    /** A sample that cannot be used: the message names the file and why. */
    public static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }
    }

    /**
     * @param s a sample
     * @return its crop, size x size
     * @throws Unusable when the image cannot be read or no face is found in it
     */
    public RgbImage crop(Sample s) throws Unusable {
        if (s.aligned()) {
            return ImageOps.resize(read(s), size, size);
        }
        Path cached = cacheDir == null ? null : cacheDir.resolve(key(s) + ".png");
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                RgbImage c = ImageFiles.read(cached);
                if (c.width() == size && c.height() == size) {
                    return c;
                }
            } catch (FaceAttrException e) {
                // a damaged cache entry is rebuilt below
            }
        }
        RgbImage img = read(s);
        DetectedFace best = null;
        synchronized (this) { // one detector, one image at a time; reading and aligning run in parallel
            if (detector == null) {
                detector = detectorFactory.get();
            }
            for (DetectedFace f : detector.detect(img, Progress.NONE)) {
                if (best == null || f.score() > best.score()) {
                    best = f;
                }
            }
        }
        if (best == null) {
            throw new Unusable(s.id() + ": no face found");
        }
        RgbImage crop = FaceAligner.align(img, best.landmarks(), size).crop();
        if (cached != null) {
            try {
                ImageFiles.writePng(crop, cached); // atomic: a killed run leaves no half file
            } catch (FaceAttrException e) {
                // the cache is an optimisation; training goes on without it
            }
        }
        return crop;
    }

    private static RgbImage read(Sample s) throws Unusable {
        try {
            return ImageFiles.read(s.image());
        } catch (FaceAttrException e) {
            throw new Unusable(s.id() + ": unreadable image (" + e.getMessage() + ")");
        }
    }

    private String key(Sample s) {
        String k;
        try {
            k = s.image().toAbsolutePath() + "|" + Files.size(s.image()) + "|" + Files.getLastModifiedTime(s.image())
                    + "|" + size + "|" + detectorKey;
        } catch (IOException e) {
            k = s.image().toAbsolutePath() + "|" + size + "|" + detectorKey;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(k.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the detector, if one was made. */
    public synchronized void close() {
        if (detector != null) {
            detector.close();
        }
    }
}

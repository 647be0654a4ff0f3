package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.RgbImage;
import faceattr.data.Sample;
import faceattr.detect.DetectorSettings;
import faceattr.detect.FaceDetector;
import faceattr.detect.RfemtcDetector;
import faceattr.labels.LabelSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unaligned images are detected and aligned once, then read from the crop cache. */
class CropSourceTest {
    @TempDir
    Path tmp;

    @Test
    void detectsAlignsAndCachesUnalignedImages() throws Exception {
        Path photo = tmp.resolve("31_1_0_20170116174525125.jpg"); // a UTKFace in-the-wild name
        Files.copy(Path.of("sample-data/astronaut.png"), photo);
        Sample wild = new Sample(photo, photo.getFileName().toString(), LabelSet.NONE, false, null, "utkface");
        AtomicInteger detectors = new AtomicInteger();
        Path cache = tmp.resolve("crops");
        CropSource crops = new CropSource(112, cache, () -> {
            detectors.incrementAndGet();
            try {
                return RfemtcDetector.create(DetectorSettings.DEFAULT);
            } catch (faceattr.core.FaceAttrException e) {
                throw new IllegalStateException(e);
            }
        }, DetectorSettings.DEFAULT.toString());
        RgbImage first = crops.crop(wild);
        crops.close();
        assertEquals(112, first.width());
        assertEquals(1, detectors.get());
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(1, s.filter(p -> p.toString().endsWith(".png")).count());
        }
        // The aligned face: eyes on the template's row (y ~ 51.6 of 112) means skin-coloured pixels
        // there, not the orange space suit.
        int eyeRowRed = first.pixels()[(52 * 112 + 56) * 3] & 0xff;
        assertTrue(eyeRowRed > 100, "skin between the eyes expected, red = " + eyeRowRed);

        CropSource again = new CropSource(112, cache, () -> {
            detectors.incrementAndGet();
            throw new IllegalStateException("the cache should have been used");
        }, DetectorSettings.DEFAULT.toString());
        assertArrayEquals(first.pixels(), again.crop(wild).pixels());
        assertEquals(1, detectors.get(), "no detection the second time");

        // Other detector settings: another cache key, detection again.
        CropSource otherSettings = new CropSource(112, cache, () -> {
            detectors.incrementAndGet();
            throw new IllegalStateException("detector made");
        }, "min_face=40");
        assertThrows(IllegalStateException.class, () -> otherSettings.crop(wild));
        assertEquals(2, detectors.get());
    }

    @Test
    void anImageWithoutAFaceOrUnreadableIsUnusableWithItsName() throws Exception {
        Path coffee = tmp.resolve("coffee.jpg");
        Files.copy(Path.of("sample-data/coffee.png"), coffee);
        Path broken = tmp.resolve("broken.jpg");
        Files.writeString(broken, "not a jpeg");
        try (FaceDetector d = RfemtcDetector.create(DetectorSettings.DEFAULT)) {
            CropSource crops = new CropSource(112, null, () -> d, "x");
            CropSource.Unusable none = assertThrows(CropSource.Unusable.class, () -> crops.crop(
                    new Sample(coffee, "coffee.jpg", LabelSet.NONE, false, null, "utkface")));
            assertTrue(none.getMessage().startsWith("coffee.jpg: no face found"), none.getMessage());
            CropSource.Unusable bad = assertThrows(CropSource.Unusable.class, () -> crops.crop(
                    new Sample(broken, "broken.jpg", LabelSet.NONE, true, null, "rafdb")));
            assertTrue(bad.getMessage().startsWith("broken.jpg: unreadable image"), bad.getMessage());
        }
    }
}

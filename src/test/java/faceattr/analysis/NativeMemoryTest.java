package faceattr.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.image.ImageOps;
import faceattr.io.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The pipeline over 520 images in one JVM: the process's resident memory (native tensors, OpenCV
 * matrices, the allocator's pages) must level off once the shapes have been seen, not grow with
 * the number of images. A leak of one crop, one pyramid level or one NDArray per image (about
 * 0.1-0.5 MB here) would add 50-250 MB between the checkpoints.
 */
class NativeMemoryTest {
    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void residentMemoryLevelsOffOver520Images() throws Exception {
        RgbImage astronaut = ImageFiles.read(Path.of("sample-data", "astronaut.png"));
        // 8 different inputs (sizes and crops), cycled: every batch has the same mix of shapes.
        List<RgbImage> variants = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            int side = 180 + 20 * k;
            variants.add(ImageOps.resize(astronaut, side, side));
        }
        int total = 520;
        int batch = 8;
        long[] rss = new long[total / batch];
        int faces = 0;
        try (FaceAnalyzer a = FaceAnalyzer.builder().optModel("reference").build()) {
            List<String> names = new ArrayList<>();
            for (int k = 0; k < batch; k++) {
                names.add("v" + k);
            }
            for (int b = 0; b < total / batch; b++) {
                for (ImageResult r : a.analyze(names, variants, Progress.NONE)) {
                    assertTrue(!r.isFailed(), r.failure());
                    faces += r.faces().size();
                }
                rss[b] = rssKb();
            }
        }
        assertEquals(total, faces, "one face per image");
        long warm = rss[100 / batch];
        long mid = rss[300 / batch];
        long end = rss[rss.length - 1];
        System.out.printf(Locale.ROOT, "RSS after 8 images %d MB, 100: %d MB, 300: %d MB, 520: %d MB%n",
                rss[0] / 1024, warm / 1024, mid / 1024, end / 1024);
        assertTrue(end - warm < 48 * 1024, String.format(Locale.ROOT,
                "resident memory grew by %d MB between image 100 and 520", (end - warm) / 1024));
        assertTrue(end - mid < 24 * 1024, String.format(Locale.ROOT,
                "resident memory grew by %d MB between image 300 and 520", (end - mid) / 1024));
    }
}

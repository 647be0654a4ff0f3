package faceattr.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.FaceDetector;
import faceattr.detect.Landmarks;
import faceattr.estimate.FaceAttributes;
import faceattr.estimate.PixelAgeEstimator;
import faceattr.image.ImageOps;
import faceattr.io.ImageFiles;
import faceattr.labels.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline: real cascade and reference estimators, and test doubles for the failure paths. */
class FaceAnalyzerTest {
    @TempDir
    Path tmp;

    private static RgbImage astronaut() throws FaceAttrException {
        return ImageFiles.read(Path.of("sample-data", "astronaut.png"));
    }

    /** The astronaut pasted twice on a grey canvas (two faces at two scales). */
    private static RgbImage twoFaces() throws FaceAttrException {
        RgbImage a = astronaut();
        int w = 900;
        int h = 600;
        byte[] px = new byte[w * h * 3];
        Arrays.fill(px, (byte) 120);
        RgbImage small = ImageOps.resize(a, 256, 256);
        paste(px, w, a, 0, 40);
        paste(px, w, small, 600, 300);
        return new RgbImage(w, h, px);
    }

    private static void paste(byte[] dst, int w, RgbImage img, int x0, int y0) {
        for (int y = 0; y < img.height(); y++) {
            System.arraycopy(img.pixels(), y * img.width() * 3, dst, ((y0 + y) * w + x0) * 3, img.width() * 3);
        }
    }

    private static void assertSameResults(List<ImageResult> expected, List<ImageResult> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            ImageResult e = expected.get(i);
            ImageResult a = actual.get(i);
            assertEquals(e.faces().size(), a.faces().size(), e.source());
            for (int k = 0; k < e.faces().size(); k++) {
                // exact equality: the same lanes configuration must give the same floats
                assertEquals(e.faces().get(k), a.faces().get(k), e.source() + " face " + k);
                FaceAttributes fe = e.attributes().get(k);
                FaceAttributes fa = a.attributes().get(k);
                assertEquals(fe.ageMean(), fa.ageMean(), 0.0);
                assertArrayEquals(fe.probabilities(Task.GENDER), fa.probabilities(Task.GENDER), 0.0);
                assertArrayEquals(fe.probabilities(Task.EMOTION), fa.probabilities(Task.EMOTION), 0.0);
            }
        }
    }

    @Test
    void twoAnalysesAtOnceGiveExactlyTheResultsEachGivesAlone() throws Exception {
        List<RgbImage> images = List.of(astronaut(), twoFaces(), ImageFiles.read(Path.of("sample-data", "coffee.png")));
        List<String> names = List.of("astronaut", "two", "coffee");
        List<ImageResult> aloneTwo;
        List<ImageResult> aloneOne;
        try (FaceAnalyzer a = FaceAnalyzer.builder().optModel("reference").optThreads(2).build()) {
            aloneTwo = a.analyze(names, images, Progress.NONE);
        }
        try (FaceAnalyzer a = FaceAnalyzer.builder().optModel("reference").optThreads(1).build()) {
            aloneOne = a.analyze(names, images, Progress.NONE);
        }
        assertEquals(1, aloneTwo.get(0).faces().size());
        assertEquals(2, aloneTwo.get(1).faces().size());
        assertEquals(0, aloneTwo.get(2).faces().size());
        // Two analyzers with different thread counts, side by side, several rounds each: before
        // the lanes, one detector's setNumThreads changed the other's threads mid-run.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (FaceAnalyzer two = FaceAnalyzer.builder().optModel("reference").optThreads(2).build();
                FaceAnalyzer one = FaceAnalyzer.builder().optModel("reference").optThreads(1).build()) {
            List<Future<List<List<ImageResult>>>> runs = new ArrayList<>();
            for (FaceAnalyzer a : List.of(two, one)) {
                runs.add(pool.submit(() -> {
                    List<List<ImageResult>> rounds = new ArrayList<>();
                    for (int r = 0; r < 3; r++) {
                        rounds.add(a.analyze(names, images, Progress.NONE));
                    }
                    return rounds;
                }));
            }
            for (List<ImageResult> round : runs.get(0).get()) {
                assertSameResults(aloneTwo, round);
            }
            for (List<ImageResult> round : runs.get(1).get()) {
                assertSameResults(aloneOne, round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneCallPerImageOrOneBatchGiveTheSameFaces() throws Exception {
        List<RgbImage> images = List.of(twoFaces(), astronaut());
        try (FaceAnalyzer a = FaceAnalyzer.builder().optModel("reference").build()) {
            List<ImageResult> batch = a.analyze(List.of("two", "astronaut"), images, Progress.NONE);
            List<ImageResult> single = List.of(a.analyze("two", images.get(0), Progress.NONE),
                    a.analyze("astronaut", images.get(1), Progress.NONE));
            assertEquals(2, batch.get(0).faces().size());
            for (int i = 0; i < 2; i++) {
                assertEquals(single.get(i).faces().size(), batch.get(i).faces().size());
                for (int k = 0; k < single.get(i).faces().size(); k++) {
                    Box s = single.get(i).faces().get(k).box();
                    Box b = batch.get(i).faces().get(k).box();
                    // R-Net/O-Net batches of another size sum in another order: float rounding only
                    assertEquals(s.x(), b.x(), 1e-3);
                    assertEquals(s.width(), b.width(), 1e-3);
                    assertEquals(single.get(i).attributes().get(k).ageMean(),
                            batch.get(i).attributes().get(k).ageMean(), 1e-3);
                }
            }
        }
    }

    @Test
    void aCorruptFileFailsAloneAndTheOthersKeepTheirFaces() throws Exception {
        Path good = tmp.resolve("a-good.png");
        Files.copy(Path.of("sample-data", "astronaut.png"), good);
        byte[] png = Files.readAllBytes(Path.of("sample-data", "coffee.png"));
        Path bad = tmp.resolve("b-bad.png");
        Files.write(bad, Arrays.copyOf(png, png.length / 3));
        Path good2 = tmp.resolve("c-good.png");
        ImageFiles.writePng(twoFaces(), good2);
        List<ImageResult> results = new ArrayList<>();
        List<Boolean> hadImage = new ArrayList<>();
        try (FaceAnalyzer a = FaceAnalyzer.builder().optModel("reference").build()) {
            a.analyzeFiles(List.of(good, bad, good2), Progress.NONE, null, (r, img) -> {
                results.add(r);
                hadImage.add(img != null);
            });
        }
        assertEquals(List.of(good.toString(), bad.toString(), good2.toString()),
                results.stream().map(ImageResult::source).toList());
        assertEquals(List.of(true, false, true), hadImage);
        assertEquals(1, results.get(0).faces().size());
        assertTrue(results.get(0).hasAttributes());
        assertTrue(results.get(1).isFailed());
        assertTrue(results.get(1).failure().contains("b-bad.png"), results.get(1).failure());
        assertEquals(2, results.get(2).faces().size());
    }

    /** Finds one face per image at the image's first pixel value. */
    private static final class OneFace implements FaceDetector {
        @Override
        public List<DetectedFace> detect(RgbImage image, Progress progress) {
            int v = image.pixels()[0] & 0xff;
            if (v == 13) {
                throw new IllegalStateException("detector broke on 13");
            }
            double[] lm = {10, 10, 20, 10, 15, 15, 11, 20, 19, 20};
            return List.of(new DetectedFace(new Box(v, 0, 2, 2), 0.9, new Landmarks(lm)));
        }

        @Override
        public void close() {
        }
    }

    private static RgbImage grey(int v) {
        byte[] px = new byte[32 * 32 * 3];
        Arrays.fill(px, (byte) v);
        return new RgbImage(32, 32, px);
    }

    @Test
    void aFailingDetectionCropOrEstimationCostsOnlyItsOwnImage() throws Exception {
        PixelAgeEstimator est = new PixelAgeEstimator(66, 77);
        List<Integer> values = List.of(10, 13, 20, 66, 30, 77, 40);
        List<RgbImage> images = values.stream().map(FaceAnalyzerTest::grey).toList();
        List<String> names = values.stream().map(v -> "img" + v).toList();
        List<ImageResult> r;
        try (FaceAnalyzer a = FaceAnalyzer.builder().optDetector(new OneFace()).optEstimator(est).build()) {
            r = a.analyze(names, images, Progress.NONE);
        }
        for (int i = 0; i < values.size(); i++) {
            int v = values.get(i);
            ImageResult x = r.get(i);
            if (v == 13 || v == 66 || v == 77) {
                assertTrue(x.isFailed(), x.toString());
                assertTrue(x.failure().startsWith("img" + v + ": "), x.failure());
                assertTrue(x.faces().isEmpty());
            } else {
                assertNull(x.failure(), x.failure());
                assertEquals(v, x.attributes().get(0).ageMean(), 0.0);
            }
        }
        assertTrue(r.get(1).failure().contains("detector broke on 13"), r.get(1).failure());
        assertTrue(r.get(3).failure().contains("cutting the face crops"), r.get(3).failure());
        assertTrue(r.get(5).failure().contains("the engine failed on this crop"), r.get(5).failure());
    }

    @Test
    void cancellingStopsTheCall() throws Exception {
        Progress cancelled = new Progress() {
            @Override
            public void report(double fraction, String message) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        try (FaceAnalyzer a = FaceAnalyzer.builder().optAttributes(false).build()) {
            assertThrows(CancelledException.class, () -> a.analyze("astronaut", astronaut(), cancelled));
            // still usable afterwards
            assertEquals(1, a.analyze("astronaut", astronaut(), Progress.NONE).faces().size());
            assertFalse(a.estimates());
        }
    }

    @Test
    void aHandDrawnBoxGetsTheFaceInsideItOrTheTemplate() throws Exception {
        RgbImage img = astronaut();
        Box face = new Box(160, 50, 130, 150);
        Box sky = new Box(400, 400, 60, 60);
        try (FaceAnalyzer a = FaceAnalyzer.builder().optModel("reference").build()) {
            ImageResult r = a.analyzeRegions("astronaut", img, List.of(face, sky), Progress.NONE);
            assertEquals(2, r.faces().size());
            assertEquals(face, r.faces().get(0).box());
            assertTrue(r.faces().get(0).score() > 0.9);
            double[] lm = r.faces().get(0).landmarks().toArray();
            for (int i = 0; i < 10; i += 2) {
                assertTrue(lm[i] > face.x() && lm[i] < face.x2() && lm[i + 1] > face.y() && lm[i + 1] < face.y2());
            }
            assertEquals(sky, r.faces().get(1).box());
            assertEquals(0, r.faces().get(1).score());
            assertEquals(2, r.attributes().size());
        }
    }
}

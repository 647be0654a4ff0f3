package faceattr.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.detect.DetectedFace;
import faceattr.detect.DetectorSettings;
import faceattr.detect.RfemtcDetector;
import faceattr.io.ImageFiles;
import faceattr.io.tfjs.TfjsWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import faceattr.engine.InferenceEngine;

/**
 * Our DJL rebuild of face-api's age/gender and expression nets against face-api itself, run by
 * tfjs (CPU backend) in Node on the same input tensors ({@link TfjsOracle}): age, gender
 * probabilities and the 7 expression probabilities must agree to 1e-4.
 */
class ReferenceParityTest {
    private static final double TOLERANCE = 1e-4;
    private static final int N = 4;
    private static Path modelDir;
    private static float[] nhwc;
    private static TfjsOracle.Result oracle;

    @BeforeAll
    static void runOracle() throws Exception {
        modelDir = Path.of(ReferenceEstimator.class.getResource(ReferenceEstimator.WEIGHTS
                + "age_gender_model-weights_manifest.json").toURI()).getParent();
        nhwc = inputs();
        oracle = TfjsOracle.run(modelDir, nhwc, N);
    }

    /** Mid-grey, smooth colour waves, noise, and the astronaut's real crop. */
    private static float[] inputs() throws Exception {
        int s = TfjsOracle.SIZE;
        float[] x = new float[N * s * s * 3];
        java.util.Random r = new java.util.Random(11);
        RgbImage astronaut = ImageFiles.read(Path.of("sample-data/astronaut.png"));
        RgbImage crop;
        try (RfemtcDetector d = RfemtcDetector.create(DetectorSettings.DEFAULT);
                ReferenceEstimator e = ReferenceEstimator.create()) {
            List<DetectedFace> faces = d.detect(astronaut, Progress.NONE);
            crop = e.crop(astronaut, faces.get(0));
        }
        for (int y = 0; y < s; y++) {
            for (int xx = 0; xx < s; xx++) {
                for (int c = 0; c < 3; c++) {
                    int i = (y * s + xx) * 3 + c;
                    x[i] = 128;
                    x[s * s * 3 + i] = (float) (127.5 + 120 * Math.sin(0.11 * xx * (c + 1) + 0.07 * y));
                    x[2 * s * s * 3 + i] = r.nextInt(256);
                    x[3 * s * s * 3 + i] = crop.pixels()[i] & 0xff;
                }
            }
        }
        return x;
    }

    /** @return the largest difference between our outputs and the oracle's */
    private static double maxDiff(ReferenceEstimator.Raw ours) {
        double max = 0;
        for (int i = 0; i < N; i++) {
            max = Math.max(max, Math.abs(ours.age()[i] - oracle.age()[i]));
            for (int k = 0; k < 2; k++) {
                max = Math.max(max, Math.abs(ours.gender()[2 * i + k] - oracle.gender()[i][k]));
            }
            for (int k = 0; k < 7; k++) {
                max = Math.max(max, Math.abs(ours.expression()[7 * i + k] - oracle.expression()[i][k]));
            }
        }
        return max;
    }

    @ParameterizedTest
    @EnumSource(InferenceEngine.class)
    void matchesFaceApiOnTfjs(InferenceEngine engine) throws Exception {
        try (ReferenceEstimator e = ReferenceEstimator.create(engine)) {
            ReferenceEstimator.Raw ours = e.run(nhwc, N);
            System.out.println("reference parity on " + engine + ": largest difference from tfjs " + maxDiff(ours));
            for (int i = 0; i < N; i++) {
                assertEquals(oracle.age()[i], ours.age()[i], TOLERANCE, "age of input " + i);
                for (int k = 0; k < 2; k++) {
                    assertEquals(oracle.gender()[i][k], ours.gender()[2 * i + k], TOLERANCE, "gender " + k + " of " + i);
                }
                for (int k = 0; k < 7; k++) {
                    assertEquals(oracle.expression()[i][k], ours.expression()[7 * i + k], TOLERANCE,
                            TfjsOracle.EXPRESSIONS.get(k) + " of input " + i);
                }
            }
            // The astronaut crop is a real face: the oracle says so too (not a vacuous comparison).
            assertTrue(oracle.age()[3] > 15 && oracle.age()[3] < 70, "astronaut age " + oracle.age()[3]);
            // One at a time gives the same as the batch.
            float[] one = java.util.Arrays.copyOfRange(nhwc, 3 * 3 * 112 * 112, 4 * 3 * 112 * 112);
            assertEquals(ours.age()[3], e.run(one, 1).age()[0], 1e-5);
        }
    }

    @Test
    void aMisreadWeightIsCaught() throws Exception {
        // Change one quantised byte in the middle of the age/gender weights: the comparison above
        // must then fail, so it would catch a weight read wrongly.
        byte[] manifest = Files.readAllBytes(modelDir.resolve("age_gender_model-weights_manifest.json"));
        byte[] bin = Files.readAllBytes(modelDir.resolve("age_gender_model.bin"));
        bin[bin.length / 2] = (byte) (bin[bin.length / 2] + 60);
        TfjsWeights altered = TfjsWeights.parse(manifest, "altered", p -> new java.io.ByteArrayInputStream(bin));
        TfjsWeights expression = TfjsWeights.read(modelDir.resolve("face_expression_model-weights_manifest.json"));
        try (ReferenceEstimator e = ReferenceEstimator.create(altered, expression)) {
            double d = maxDiff(e.run(nhwc, N));
            System.out.println("reference parity with one altered weight: largest difference " + d);
            assertTrue(d > 10 * TOLERANCE, "one changed weight moved the outputs by only " + d);
        }
    }
}

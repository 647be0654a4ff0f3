package faceattr.detect.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import faceattr.data.detection.GroundTruthFace;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WIDER-style curves and average precision against cases worked out by hand (in the comments). */
class PrCurveTest {
    private static final Landmarks NO_POINTS = new Landmarks(new double[10]);

    private static DetectedFace det(double x, double y, double size, double score) {
        return new DetectedFace(new Box(x, y, size, size), score, NO_POINTS);
    }

    private static GroundTruthFace face(double x, double y, double size) {
        return new GroundTruthFace(new Box(x, y, size, size), false, null, Map.of());
    }

    private static GroundTruthFace ignored(double x, double y, double size) {
        return new GroundTruthFace(new Box(x, y, size, size), true, null, Map.of());
    }

    private static final double EPS = 1e-9;

    @Test
    void oneFalsePositiveBetweenTwoHits() {
        // Scores 0.9 (hit), 0.8 (miss), 0.7 (hit) normalise to 1, 0.5, 0. The curve: P 1 at R 0.5,
        // then P 1/2 at R 0.5, then P 2/3 at R 1. Monotone area: 0.5 * 1 + 0.5 * 2/3 = 0.8333.
        PrCurve c = PrCurve.of(List.of(new PrCurve.Image(
                List.of(det(0, 0, 20, 0.9), det(100, 100, 20, 0.8), det(50, 0, 20, 0.7)),
                List.of(face(0, 0, 20), face(50, 0, 20)))), 0.5);
        assertEquals(0.5 + 0.5 * 2 / 3.0, c.averagePrecision(), EPS);
        assertEquals(2, c.faces());
        assertEquals(1.0, c.recall()[PrCurve.THRESHOLDS - 1], EPS);
        assertEquals(2 / 3.0, c.precision()[PrCurve.THRESHOLDS - 1], EPS);
        assertEquals(0.5, c.precision()[499], EPS, "threshold 0.5 takes the 0.5 detection");
        assertEquals(1.0, c.precision()[498], EPS, "threshold 0.501 does not");
        assertEquals(1.0, c.falsePositivesPerImage()[PrCurve.THRESHOLDS - 1], EPS);
        assertEquals(0.5, c.recallAt(0.5), EPS);
        assertEquals(1.0, c.recallAt(1.0), EPS);
    }

    @Test
    void aDetectionOnAnIgnoredRegionIsNeitherRightNorWrong() {
        // 0.9 on the ignored region, 0.5 on the face, 0.1 elsewhere: the first is passed over, so
        // precision is 1 when recall reaches 1 (AP 1). Without the region it is a false positive
        // first: P 0 at R 0, then P 1/2 at R 1 (AP 0.5).
        List<DetectedFace> dets = List.of(det(200, 200, 30, 0.9), det(0, 0, 30, 0.5), det(400, 0, 30, 0.1));
        PrCurve withRegion = PrCurve.of(List.of(new PrCurve.Image(dets,
                List.of(face(0, 0, 30), ignored(200, 200, 30)))), 0.5);
        assertEquals(1.0, withRegion.averagePrecision(), EPS);
        assertEquals(1, withRegion.faces());
        assertEquals(1.0, withRegion.recallAt(0), EPS);
        PrCurve without = PrCurve.of(List.of(new PrCurve.Image(dets, List.of(face(0, 0, 30)))), 0.5);
        assertEquals(0.5, without.averagePrecision(), EPS);
        assertEquals(0.0, without.recallAt(0), EPS);
    }

    @Test
    void aSecondDetectionOfTheSameFaceIsAFalsePositive() {
        PrCurve c = PrCurve.of(List.of(new PrCurve.Image(List.of(det(0, 0, 40, 0.9), det(2, 2, 40, 0.8)),
                List.of(face(0, 0, 40)))), 0.5);
        assertEquals(1.0, c.averagePrecision(), EPS);
        assertEquals(0.5, c.precision()[PrCurve.THRESHOLDS - 1], EPS);
        assertEquals(1.0, c.falsePositivesPerImage()[PrCurve.THRESHOLDS - 1], EPS);
    }

    @Test
    void theIouThresholdIsInclusiveAndBelowItIsAMiss() {
        // A 20 px face and a 20 px detection shifted by d overlap (20-d)*20; IoU = (20-d)/(20+d):
        // d = 20/3 gives exactly 0.5.
        double d = 20 / 3.0;
        PrCurve hit = PrCurve.of(List.of(new PrCurve.Image(List.of(det(d, 0, 20, 0.9)), List.of(face(0, 0, 20)))),
                0.5 - 1e-12);
        assertEquals(1.0, hit.averagePrecision(), EPS);
        PrCurve miss = PrCurve.of(List.of(new PrCurve.Image(List.of(det(d + 0.1, 0, 20, 0.9)),
                List.of(face(0, 0, 20)))), 0.5);
        assertEquals(0.0, miss.averagePrecision(), EPS);
        assertEquals(0.0, miss.recallAt(10), EPS);
    }

    @Test
    void precisionAndRecallSumOverImages() {
        // Image 1: a hit at 0.9. Image 2: a miss at 0.5, a hit at 0.1. Normalised 1, 0.5, 0:
        // P 1 at R 0.5; P 1/2 at R 0.5; P 2/3 at R 1. AP 0.5 + 0.5 * 2/3; 1 false positive in 2 images.
        PrCurve c = PrCurve.of(List.of(
                new PrCurve.Image(List.of(det(0, 0, 20, 0.9)), List.of(face(0, 0, 20))),
                new PrCurve.Image(List.of(det(90, 90, 20, 0.5), det(0, 0, 20, 0.1)), List.of(face(0, 0, 20)))), 0.5);
        assertEquals(0.5 + 0.5 * 2 / 3.0, c.averagePrecision(), EPS);
        assertEquals(0.5, c.falsePositivesPerImage()[PrCurve.THRESHOLDS - 1], EPS);
        assertEquals(0.5, c.recallAt(0.4), EPS);
        assertEquals(1.0, c.recallAt(0.5), EPS);
        assertEquals(2, c.images());
    }

    @Test
    void landmarkErrorIsTheMeanPointDistanceOverTheEyeDistance() {
        double[] truth = {100, 100, 110, 100, 105, 105, 102, 110, 108, 110};
        double[] found = new double[10];
        for (int k = 0; k < 5; k++) { // every point 3 right and 4 down: 5 px off, eyes 10 px apart -> 0.5
            found[2 * k] = truth[2 * k] + 3;
            found[2 * k + 1] = truth[2 * k + 1] + 4;
        }
        GroundTruthFace f = new GroundTruthFace(new Box(95, 95, 20, 20), false, new Landmarks(truth), Map.of());
        List<PrCurve.Image> images = List.of(new PrCurve.Image(List.of(
                new DetectedFace(new Box(96, 95, 20, 20), 0.2, new Landmarks(found)),
                new DetectedFace(new Box(200, 200, 20, 20), 0.9, new Landmarks(truth))), List.of(f, face(300, 300, 20))));
        double[] nme = DetectorEvaluator.landmarkError(images);
        assertEquals(0.5, nme[0], EPS);
        assertEquals(1, nme[1], EPS, "the face without landmarks is not measured");
    }

    @Test
    void nothingDetectedIsZero() {
        PrCurve c = PrCurve.of(List.of(new PrCurve.Image(List.of(), List.of(face(0, 0, 20)))), 0.5);
        assertEquals(0.0, c.averagePrecision(), EPS);
        assertEquals(0.0, c.recallAt(100), EPS);
    }
}

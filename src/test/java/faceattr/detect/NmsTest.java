package faceattr.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.detect.Nms.Overlap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Greedy NMS on boxes whose overlaps are worked out by hand in the comments. */
class NmsTest {
    private static final Box A = new Box(0, 0, 10, 10);
    /** A shifted right by 5: intersection 50, union 150, IoU 1/3; min-overlap 50/100 = 0.5. */
    private static final Box HALF_RIGHT = new Box(5, 0, 10, 10);

    private static List<Integer> nms(List<Box> boxes, double[] scores, double t, Overlap o) {
        return Nms.suppress(boxes, scores, t, o);
    }

    @Test
    void overlapMeasuresByHand() {
        assertEquals(1 / 3.0, A.iou(HALF_RIGHT), 1e-12);
        assertEquals(0.5, A.overlapMin(HALF_RIGHT), 1e-12);
        Box inner = new Box(2, 2, 4, 4);
        assertEquals(0.16, A.iou(inner), 1e-12); // 16 / 100
        assertEquals(1.0, A.overlapMin(inner), 1e-12);
        assertEquals(0, A.iou(new Box(10, 0, 10, 10)), 0.0, "touching edges do not overlap");
        assertEquals(0, A.iou(new Box(5, 5, 0, 0)), 0.0, "an empty box overlaps nothing");
    }

    @Test
    void iouSuppressesOnlyAboveTheThreshold() {
        List<Box> boxes = List.of(A, HALF_RIGHT);
        double[] scores = {0.9, 0.8};
        assertEquals(List.of(0), nms(boxes, scores, 0.3, Overlap.IOU));
        assertEquals(List.of(0, 1), nms(boxes, scores, 0.34, Overlap.IOU));
        assertEquals(List.of(0), nms(boxes, scores, 0.45, Overlap.MIN));
        assertEquals(List.of(0, 1), nms(boxes, scores, 0.5, Overlap.MIN), "0.5 is not strictly above 0.5");
    }

    @Test
    void minOverlapRemovesANestedBoxThatIouKeeps() {
        Box inner = new Box(2, 2, 4, 4);
        List<Box> boxes = List.of(A, inner);
        assertEquals(List.of(0, 1), nms(boxes, new double[] {0.9, 0.8}, 0.7, Overlap.IOU));
        assertEquals(List.of(0), nms(boxes, new double[] {0.9, 0.8}, 0.7, Overlap.MIN));
        // The better-scoring box wins whatever its size or index.
        assertEquals(List.of(1), nms(boxes, new double[] {0.8, 0.9}, 0.7, Overlap.MIN));
    }

    @Test
    void thresholdIsStrict() {
        // Top half of A: intersection 50, union 100, IoU exactly 0.5.
        List<Box> boxes = List.of(A, new Box(0, 0, 10, 5));
        double[] scores = {0.9, 0.8};
        assertEquals(0.5, A.iou(boxes.get(1)), 0.0);
        assertEquals(List.of(0, 1), nms(boxes, scores, 0.5, Overlap.IOU));
        assertEquals(List.of(0), nms(boxes, scores, 0.4999, Overlap.IOU));
    }

    @Test
    void resultIsInScoreOrderWithTiesByIndex() {
        List<Box> disjoint = List.of(new Box(0, 0, 5, 5), new Box(10, 0, 5, 5), new Box(20, 0, 5, 5),
                new Box(30, 0, 5, 5));
        assertEquals(List.of(1, 3, 0, 2), nms(disjoint, new double[] {0.5, 0.9, 0.5, 0.7}, 0.5, Overlap.IOU));
        // Identical boxes with equal scores: the lower index survives.
        assertEquals(List.of(0), nms(List.of(A, A), new double[] {0.6, 0.6}, 0.5, Overlap.IOU));
        assertEquals(List.of(1), nms(List.of(A, A, A), new double[] {0.1, 0.6, 0.6}, 0.5, Overlap.IOU));
    }

    @Test
    void suppressionIsGreedyNotTransitive() {
        // A-B and B-C overlap with IoU 40/160 = 0.25, A and C not at all. B goes (beaten by A),
        // and a removed box suppresses nothing, so C stays.
        List<Box> boxes = List.of(A, new Box(6, 0, 10, 10), new Box(12, 0, 10, 10));
        assertEquals(0.25, A.iou(boxes.get(1)), 1e-12);
        assertEquals(List.of(0, 2), nms(boxes, new double[] {0.9, 0.8, 0.7}, 0.2, Overlap.IOU));
        // With B on top it removes both neighbours.
        assertEquals(List.of(1), nms(boxes, new double[] {0.7, 0.9, 0.8}, 0.2, Overlap.IOU));
    }

    @Test
    void emptyAndMismatchedInput() {
        assertTrue(nms(List.of(), new double[0], 0.5, Overlap.IOU).isEmpty());
        assertTrue(nms(List.of(), new double[0], 0.5, Overlap.MIN).isEmpty());
        assertEquals(List.of(0), nms(List.of(A), new double[] {0.1}, 0.0, Overlap.IOU));
        assertThrows(IllegalArgumentException.class, () -> nms(List.of(A), new double[2], 0.5, Overlap.IOU));
    }

    /** The plain definition: sort by score, drop every later box overlapping a kept one too much. */
    private static List<Integer> naive(List<Box> boxes, double[] scores, double t, Overlap o) {
        List<Integer> order = new java.util.ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            order.add(i);
        }
        order.sort((p, q) -> scores[p] != scores[q] ? Double.compare(scores[q], scores[p]) : Integer.compare(p, q));
        List<Integer> keep = new java.util.ArrayList<>();
        for (int i : order) {
            boolean ok = true;
            for (int k : keep) {
                Box a = boxes.get(k);
                double v = o == Overlap.IOU ? a.iou(boxes.get(i)) : a.overlapMin(boxes.get(i));
                ok &= !(v > t);
            }
            if (ok) {
                keep.add(i);
            }
        }
        return keep;
    }

    @Test
    void agreesWithThePlainDefinitionOnRandomCrowds() {
        java.util.Random r = new java.util.Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(60);
            List<Box> boxes = new java.util.ArrayList<>();
            double[] scores = new double[n];
            for (int i = 0; i < n; i++) {
                // Integer corners make exact ties and touching edges common; some boxes are empty.
                boxes.add(new Box(r.nextInt(40), r.nextInt(40), r.nextInt(25), r.nextInt(25)));
                scores[i] = r.nextInt(5) / 4.0;
            }
            double t = r.nextInt(4) == 0 ? -0.1 : r.nextDouble();
            for (Overlap o : Overlap.values()) {
                assertEquals(naive(boxes, scores, t, o), nms(boxes, scores, t, o), "trial " + trial + " " + o);
            }
        }
    }
}

package faceattr.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression over scored boxes. */
public final class Nms {

    /** How two boxes' overlap is measured. */
    public enum Overlap {
        /** Intersection over union. */
        IOU,
        /** Intersection over the smaller box ("Min" in MTCNN's last stage). */
        MIN
    }

    private Nms() {
    }

    /**
     * Keeps the highest-scoring box of every group of boxes overlapping more than {@code threshold}.
     *
     * @param boxes the boxes
     * @param scores their scores, same length
     * @param threshold a box is suppressed when its overlap with a kept, higher-scoring box is
     *     strictly greater than this
     * @param overlap the overlap measure
     * @return indices of the kept boxes, in descending score order (ties: lower index first)
     */
    public static List<Integer> suppress(List<Box> boxes, double[] scores, double threshold, Overlap overlap) {
        if (boxes.size() != scores.length) {
            throw new IllegalArgumentException(boxes.size() + " boxes but " + scores.length + " scores");
        }
        List<Integer> order = new ArrayList<>(boxes.size());
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i));
        boolean[] removed = new boolean[boxes.size()];
        List<Integer> keep = new ArrayList<>();
        for (int a = 0; a < order.size(); a++) {
            int i = order.get(a);
            if (removed[i]) {
                continue;
            }
            keep.add(i);
            Box bi = boxes.get(i);
            for (int b = a + 1; b < order.size(); b++) {
                int j = order.get(b);
                if (!removed[j]) {
                    double o = overlap == Overlap.IOU ? bi.iou(boxes.get(j)) : bi.overlapMin(boxes.get(j));
                    if (o > threshold) {
                        removed[j] = true;
                    }
                }
            }
        }
        return keep;
    }
}

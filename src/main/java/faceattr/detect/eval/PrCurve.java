package faceattr.detect.eval;

import faceattr.data.detection.GroundTruthFace;
import faceattr.detect.DetectedFace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A precision–recall curve computed as WIDER FACE's evaluation computes it, and its average
 * precision.
 *
 * <p>Per image, detections are taken in descending score order; each is matched to the annotated
 * face it overlaps most (intersection over union). At or above the IoU threshold it is a true
 * positive when that face is scored and not yet found, is passed over (neither right nor wrong)
 * when that face is an ignored region, and is a false positive when the face was already found
 * (a duplicate) or when nothing overlaps enough. Scores are normalised over the whole set to
 * [0, 1] (min–max) and the curve is read at {@value #THRESHOLDS} thresholds 1 − k/{@value
 * #THRESHOLDS}; precision and recall sum over images. Average precision is the area under the
 * curve made monotone (PASCAL VOC's all-points rule), as in WIDER's tools. One difference: boxes
 * are continuous ({@code [x, x + w)}), so IoU has no "+1 pixel" term; for faces of 10 px it moves
 * IoU by a few hundredths.
 *
 * @param precision precision at each threshold (1 where nothing was detected yet)
 * @param recall recall at each threshold
 * @param falsePositivesPerImage false positives per image at each threshold
 * @param faces the scored faces of the set
 * @param images the images
 */
public record PrCurve(double[] precision, double[] recall, double[] falsePositivesPerImage, int faces, int images) {
    /** WIDER's number of score thresholds. */
    public static final int THRESHOLDS = 1000;

    /** Copies. */
    public PrCurve {
        precision = precision.clone();
        recall = recall.clone();
        falsePositivesPerImage = falsePositivesPerImage.clone();
    }

    @Override
    public double[] precision() {
        return precision.clone();
    }

    @Override
    public double[] recall() {
        return recall.clone();
    }

    @Override
    public double[] falsePositivesPerImage() {
        return falsePositivesPerImage.clone();
    }

    /**
     * One image: what the detector found and what is annotated.
     *
     * @param detections the detections, any order
     * @param truth the annotated faces
     */
    public record Image(List<DetectedFace> detections, List<GroundTruthFace> truth) {
        /** Copies. */
        public Image {
            detections = List.copyOf(detections);
            truth = List.copyOf(truth);
        }
    }

    /**
     * @param images the images of the set
     * @param iou the IoU a detection needs with a face (WIDER: 0.5)
     * @return the curve
     */
    public static PrCurve of(List<Image> images, double iou) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int faces = 0;
        for (Image im : images) {
            for (DetectedFace d : im.detections()) {
                min = Math.min(min, d.score());
                max = Math.max(max, d.score());
            }
            faces += (int) im.truth().stream().filter(f -> !f.ignored()).count();
        }
        double range = max - min;
        long[] proposals = new long[THRESHOLDS];
        long[] found = new long[THRESHOLDS];
        for (Image im : images) {
            List<DetectedFace> dets = new ArrayList<>(im.detections());
            dets.sort(Comparator.comparingDouble(DetectedFace::score).reversed());
            int n = dets.size();
            double[] norm = new double[n];
            boolean[] counted = new boolean[n]; // a proposal: true or false positive
            int[] foundSoFar = new int[n];
            int[] state = new int[im.truth().size()]; // 0 not found, 1 found, -1 ignored region hit
            int hits = 0;
            for (int h = 0; h < n; h++) {
                DetectedFace d = dets.get(h);
                norm[h] = range > 0 ? (d.score() - min) / range : 1;
                counted[h] = true;
                int best = -1;
                double bestIou = 0;
                for (int g = 0; g < state.length; g++) {
                    double o = d.box().iou(im.truth().get(g).box());
                    if (o > bestIou) {
                        bestIou = o;
                        best = g;
                    }
                }
                if (best >= 0 && bestIou >= iou) {
                    if (im.truth().get(best).ignored()) {
                        state[best] = -1;
                        counted[h] = false;
                    } else if (state[best] == 0) {
                        state[best] = 1;
                        hits++;
                    }
                }
                foundSoFar[h] = hits;
            }
            // Detections are in descending normalised score: those above a threshold are a prefix.
            int last = -1;
            int countedSoFar = 0;
            for (int t = 0; t < THRESHOLDS; t++) {
                double threshold = 1 - (t + 1) / (double) THRESHOLDS;
                while (last + 1 < n && norm[last + 1] >= threshold - 1e-12) {
                    last++;
                    if (counted[last]) {
                        countedSoFar++;
                    }
                }
                if (last >= 0) {
                    proposals[t] += countedSoFar;
                    found[t] += foundSoFar[last];
                }
            }
        }
        double[] precision = new double[THRESHOLDS];
        double[] recall = new double[THRESHOLDS];
        double[] fppi = new double[THRESHOLDS];
        for (int t = 0; t < THRESHOLDS; t++) {
            precision[t] = proposals[t] == 0 ? 1 : found[t] / (double) proposals[t];
            recall[t] = faces == 0 ? 0 : found[t] / (double) faces;
            fppi[t] = images.isEmpty() ? 0 : (proposals[t] - found[t]) / (double) images.size();
        }
        return new PrCurve(precision, recall, fppi, faces, images.size());
    }

    /** @return the average precision: the area under the curve made monotone (VOC all points) */
    public double averagePrecision() {
        int n = recall.length;
        double[] mrec = new double[n + 2];
        double[] mpre = new double[n + 2];
        for (int i = 0; i < n; i++) {
            mrec[i + 1] = recall[i];
            mpre[i + 1] = precision[i];
        }
        mrec[n + 1] = 1;
        for (int i = n; i >= 0; i--) {
            mpre[i] = Math.max(mpre[i], mpre[i + 1]);
        }
        double ap = 0;
        for (int i = 0; i <= n; i++) {
            if (mrec[i + 1] != mrec[i]) {
                ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
            }
        }
        return ap;
    }

    /**
     * @param fppi false positives per image allowed
     * @return the highest recall reached with at most that many (0 when never)
     */
    public double recallAt(double fppi) {
        double best = 0;
        for (int t = 0; t < recall.length; t++) {
            if (falsePositivesPerImage[t] <= fppi) {
                best = Math.max(best, recall[t]);
            }
        }
        return best;
    }
}

package faceattr.detect.train;

import faceattr.data.detection.GroundTruthFace;
import faceattr.detect.Box;
import faceattr.detect.Landmarks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mines a stage's training crops from an annotated image, as MTCNN's training does: square crops
 * labelled by their IoU with the nearest face (positives at 0.65 or more, part faces from 0.4,
 * negatives below 0.3, the band between left out), in about MTCNN's proportions (3 negatives to
 * 1 positive to 1 part face), plus the boxes a person marked "not a face" as hard negatives.
 * A crop that overlaps an ignored region (a face marked invalid or too small) by the negative
 * threshold or more, and is not a positive of a scored face, is left out: nobody knows what it is.
 *
 * <p>Deterministic for a given {@link Random}: a run's crops depend on its seed only.
 */
public final class CropMiner {
    /**
     * @param positiveIou IoU from which a crop is a face (MTCNN: 0.65)
     * @param partIou IoU from which a crop is part of a face (0.4)
     * @param negativeIou IoU below which a crop is not a face (0.3)
     * @param perFace positives, and as many part faces, sought around each face
     * @param negativesPerPositive random negatives per positive found (at least {@link #minNegatives})
     * @param minNegatives random negatives sought in any image, also one without faces
     * @param perHardNegative crops cut around each "not a face" box
     * @param minSide the smallest crop side in pixels (the stage's input: P-Net 12)
     */
    public record Options(double positiveIou, double partIou, double negativeIou, int perFace, int negativesPerPositive,
            int minNegatives, int perHardNegative, int minSide) {
        /** MTCNN's thresholds and proportions, for crops of at least {@code minSide} pixels. */
        public static Options standard(int minSide) {
            return new Options(0.65, 0.4, 0.3, 4, 3, 8, 3, minSide);
        }

        /** Checks. */
        public Options {
            if (!(negativeIou > 0 && negativeIou <= partIou && partIou < positiveIou && positiveIou <= 1)) {
                throw new IllegalArgumentException("need 0 < negative IoU <= part IoU < positive IoU <= 1, got "
                        + negativeIou + ", " + partIou + ", " + positiveIou);
            }
            if (perFace < 0 || negativesPerPositive < 0 || minNegatives < 0 || perHardNegative < 0 || minSide < 1) {
                throw new IllegalArgumentException("counts must not be negative and minSide at least 1");
            }
        }
    }

    /** Attempts per crop sought before giving up (small images may hold few valid crops). */
    private static final int ATTEMPTS = 50;

    private CropMiner() {
    }

    /**
     * Labels a candidate box (a random crop, or a box an earlier stage proposed).
     *
     * @param box the square candidate
     * @param faces the image's annotated faces
     * @param o thresholds
     * @return its crop, or null when it falls between the thresholds or on an ignored region
     */
    public static MinedCrop label(Box box, List<GroundTruthFace> faces, Options o) {
        GroundTruthFace best = null;
        double bestIou = 0;
        double ignoredIou = 0;
        for (GroundTruthFace f : faces) {
            double iou = box.iou(f.box());
            if (f.ignored()) {
                ignoredIou = Math.max(ignoredIou, iou);
            } else if (iou > bestIou) {
                bestIou = iou;
                best = f;
            }
        }
        if (bestIou >= o.positiveIou()) {
            return new MinedCrop(box, CropKind.POSITIVE, offsets(box, best.box()), landmarks(box, best.landmarks()),
                    false);
        }
        if (ignoredIou >= o.negativeIou()) {
            return null;
        }
        if (bestIou >= o.partIou()) {
            return new MinedCrop(box, CropKind.PART, offsets(box, best.box()), null, false);
        }
        return bestIou < o.negativeIou() ? new MinedCrop(box, CropKind.NEGATIVE, null, null, false) : null;
    }

    /**
     * @param width the image's width
     * @param height the image's height
     * @param faces its annotated faces
     * @param hardNegatives the boxes a person marked "not a face"
     * @param exhaustive whether every face of the image is annotated; otherwise (CelebA) the rest of
     *     the image may hold faces nobody marked, and no random negatives are cut from it
     * @param rng the run's random numbers
     * @param o thresholds and proportions
     * @return positives and part faces around each scored face, then random and hard negatives
     */
    public static List<MinedCrop> mine(int width, int height, List<GroundTruthFace> faces, List<Box> hardNegatives,
            boolean exhaustive, Random rng, Options o) {
        List<MinedCrop> out = new ArrayList<>();
        int positives = 0;
        for (GroundTruthFace f : faces) {
            if (f.ignored()) {
                continue;
            }
            Box b = f.box();
            int pos = 0;
            int part = 0;
            for (int a = 0; a < ATTEMPTS * 2 * o.perFace() && (pos < o.perFace() || part < o.perFace()); a++) {
                double side = uniform(rng, 0.8 * Math.min(b.width(), b.height()), 1.25 * Math.max(b.width(), b.height()));
                double cx = b.x() + b.width() / 2 + uniform(rng, -0.2, 0.2) * b.width();
                double cy = b.y() + b.height() / 2 + uniform(rng, -0.2, 0.2) * b.height();
                Box crop = new Box(cx - side / 2, cy - side / 2, side, side);
                if (side < o.minSide() || !inside(crop, width, height)) {
                    continue;
                }
                MinedCrop c = label(crop, faces, o);
                if (c != null && c.kind() == CropKind.POSITIVE && pos < o.perFace()) {
                    out.add(c);
                    pos++;
                } else if (c != null && c.kind() == CropKind.PART && part < o.perFace()) {
                    out.add(c);
                    part++;
                }
            }
            positives += pos;
        }
        int wanted = exhaustive ? Math.max(o.minNegatives(), o.negativesPerPositive() * positives) : 0;
        int found = 0;
        double maxSide = Math.min(width, height) / 2.0;
        for (int a = 0; a < ATTEMPTS * wanted && found < wanted && maxSide >= o.minSide(); a++) {
            double side = uniform(rng, o.minSide(), maxSide);
            Box crop = new Box(uniform(rng, 0, width - side), uniform(rng, 0, height - side), side, side);
            MinedCrop c = label(crop, faces, o);
            if (c != null && c.kind() == CropKind.NEGATIVE) {
                out.add(c);
                found++;
            }
        }
        for (Box h : hardNegatives) {
            double side0 = Math.max(h.width(), h.height());
            int got = 0;
            for (int a = 0; a < ATTEMPTS * o.perHardNegative() && got < o.perHardNegative(); a++) {
                double side = side0 * (got == 0 ? 1 : uniform(rng, 0.9, 1.1));
                double shift = got == 0 ? 0 : 0.1;
                double cx = h.x() + h.width() / 2 + uniform(rng, -shift, shift) * side0;
                double cy = h.y() + h.height() / 2 + uniform(rng, -shift, shift) * side0;
                Box crop = new Box(cx - side / 2, cy - side / 2, side, side);
                if (side < o.minSide() || !inside(crop, width, height)) {
                    continue;
                }
                MinedCrop c = label(crop, faces, o);
                if (c != null && c.kind() == CropKind.NEGATIVE) {
                    out.add(new MinedCrop(crop, CropKind.NEGATIVE, null, null, true));
                    got++;
                }
            }
        }
        return out;
    }

    /** @return {@code (x1, y1, x2, y2)} of the face minus those of the crop, over the crop's side */
    static double[] offsets(Box crop, Box face) {
        double w = crop.width();
        double h = crop.height();
        return new double[] {(face.x() - crop.x()) / w, (face.y() - crop.y()) / h, (face.x2() - crop.x2()) / w,
            (face.y2() - crop.y2()) / h};
    }

    /** @return the landmarks as fractions of the crop, 5 x then 5 y; null without landmarks */
    static double[] landmarks(Box crop, Landmarks l) {
        if (l == null) {
            return null;
        }
        double[] v = new double[2 * Landmarks.COUNT];
        for (int k = 0; k < Landmarks.COUNT; k++) {
            v[k] = (l.x(k) - crop.x()) / crop.width();
            v[Landmarks.COUNT + k] = (l.y(k) - crop.y()) / crop.height();
        }
        return v;
    }

    private static boolean inside(Box b, int width, int height) {
        return b.x() >= 0 && b.y() >= 0 && b.x2() <= width && b.y2() <= height;
    }

    private static double uniform(Random rng, double from, double to) {
        return from + (to - from) * rng.nextDouble();
    }
}

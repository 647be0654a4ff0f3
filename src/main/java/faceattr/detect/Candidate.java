package faceattr.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * A box of the cascade in (x1, y1, x2, y2) form with its score, pending regression and, after
 * O-Net, landmarks. Immutable; pixels of the (possibly downscaled) work image.
 */
final class Candidate {
    final double x1;
    final double y1;
    final double x2;
    final double y2;
    final double score;
    final double[] reg;
    final double[] landmarks;

    Candidate(double x1, double y1, double x2, double y2, double score, double[] reg, double[] landmarks) {
        this.x1 = x1;
        this.y1 = y1;
        this.x2 = x2;
        this.y2 = y2;
        this.score = score;
        this.reg = reg;
        this.landmarks = landmarks;
    }

    Box box() {
        return new Box(x1, y1, x2 - x1, y2 - y1);
    }

    /** @return the box moved by its regression offsets (fractions of its width and height) */
    Candidate regressed() {
        double w = x2 - x1;
        double h = y2 - y1;
        return new Candidate(x1 + reg[0] * w, y1 + reg[1] * h, x2 + reg[2] * w, y2 + reg[3] * h, score,
                new double[4], landmarks);
    }

    /** @return the square of side max(width, height) with the same centre */
    Candidate squared() {
        double w = x2 - x1;
        double h = y2 - y1;
        double side = Math.max(w, h);
        double cx = x1 + w / 2;
        double cy = y1 + h / 2;
        return new Candidate(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2, score, reg, landmarks);
    }

    /** @return the candidates {@link Nms} keeps, in its order */
    static List<Candidate> nms(List<Candidate> in, double threshold, Nms.Overlap overlap) {
        List<Box> boxes = new ArrayList<>(in.size());
        double[] scores = new double[in.size()];
        for (int i = 0; i < in.size(); i++) {
            boxes.add(in.get(i).box());
            scores[i] = in.get(i).score;
        }
        List<Candidate> out = new ArrayList<>();
        for (int i : Nms.suppress(boxes, scores, threshold, overlap)) {
            out.add(in.get(i));
        }
        return out;
    }
}

package faceattr.detect;

import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.engine.Lanes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Stages 2 and 3 of the cascade: R-Net and O-Net on crops of the candidates of all images of a
 * call, in batches that mix the images, spread over the lanes; then per image threshold, NMS and
 * regression (R-Net), or landmarks, regression and "min" NMS (O-Net).
 */
final class Refiner {
    private static final int MAX_BATCH = 256;
    /** From this many candidates on, they are split between the lanes. */
    private static final int MIN_SPLIT = 16;

    private final StageNet rnet;
    private final StageNet onet;
    private final DetectorSettings settings;
    private final Lanes lanes;

    Refiner(StageNet rnet, StageNet onet, DetectorSettings settings, Lanes lanes) {
        this.rnet = rnet;
        this.onet = onet;
        this.settings = settings;
        this.lanes = lanes;
    }

    /** Stage 2: replaces each work's candidates by those R-Net keeps, regressed and squared. */
    void refine(List<ImageWork> works, Progress progress) {
        List<List<Candidate>> kept = kept(works, rnet, settings.rnetThreshold(), (c, p, i, out) ->
                new Candidate(c.x1, c.y1, c.x2, c.y2, p, regression(out[1], i), null), progress, 0.8, 0.9);
        for (int k = 0; k < works.size(); k++) {
            List<Candidate> out = new ArrayList<>();
            for (Candidate c : Candidate.nms(kept.get(k), settings.nmsRnet(), Nms.Overlap.IOU)) {
                out.add(c.regressed().squared());
            }
            works.get(k).candidates = out;
        }
    }

    /** Stage 3: the faces O-Net keeps, per image, on the work image, descending score. */
    List<List<DetectedFace>> output(List<ImageWork> works, Progress progress) {
        List<List<Candidate>> kept = kept(works, onet, settings.onetThreshold(), (c, p, i, out) -> {
            double w = c.x2 - c.x1;
            double h = c.y2 - c.y1;
            double[] lm = new double[10];
            for (int k = 0; k < 5; k++) {
                lm[2 * k] = c.x1 + w * out[2][10 * i + k];
                lm[2 * k + 1] = c.y1 + h * out[2][10 * i + 5 + k];
            }
            return new Candidate(c.x1, c.y1, c.x2, c.y2, p, regression(out[1], i), lm).regressed();
        }, progress, 0.9, 1);
        List<List<DetectedFace>> faces = new ArrayList<>();
        for (int k = 0; k < works.size(); k++) {
            List<DetectedFace> f = new ArrayList<>();
            for (Candidate c : Candidate.nms(kept.get(k), settings.nmsOnet(), Nms.Overlap.MIN)) {
                f.add(new DetectedFace(ImageWork.clip(c.box(), works.get(k).work), c.score,
                        new Landmarks(c.landmarks)));
            }
            faces.add(f);
        }
        return faces;
    }

    /** Makes the kept candidate from a passing one, its probability, its row and the net's outputs. */
    @FunctionalInterface
    private interface Keep {
        Candidate of(Candidate c, float probability, int row, float[][] outputs);
    }

    /** A candidate and the index of its image (before or after a net has kept it). */
    private record Owned(int image, Candidate candidate) {
    }

    /**
     * Runs the net on the crops of every image's candidates, in batches that mix images, and
     * keeps those above the threshold. The candidates are cut into equal batches of at most
     * {@value #MAX_BATCH}, and into at least 2 once there are {@value #MIN_SPLIT} or more and
     * two lanes, so that both lanes cut crops (plain Java, about 10 us each) and run the net.
     *
     * @return per image, the kept candidates, in candidate order
     */
    private List<List<Candidate>> kept(List<ImageWork> works, StageNet net, double threshold,
            Keep keep, Progress progress, double from, double to) {
        List<Owned> all = new ArrayList<>();
        for (int k = 0; k < works.size(); k++) {
            for (Candidate c : works.get(k).candidates) {
                all.add(new Owned(k, c));
            }
        }
        int n = all.size();
        boolean split = n >= MIN_SPLIT && lanes.count() >= 2;
        int batches = Math.max(split ? 2 : 1, (n + MAX_BATCH - 1) / MAX_BATCH);
        int per = Math.max(1, (n + batches - 1) / batches);
        List<List<Owned>> parts = new ArrayList<>();
        for (int first = 0; first < n; first += per) {
            parts.add(all.subList(first, Math.min(n, first + per)));
        }
        List<List<Owned>> passed = new ArrayList<>(Collections.nCopies(parts.size(), null));
        lanes.forEach(parts.size(), t -> {
            List<Owned> batch = parts.get(t);
            List<Owned> ok = new ArrayList<>();
            int size = net.stage.size;
            float[][] outputs = net.run(crops(works, batch, size), batch.size(), size, size, 3);
            for (int i = 0; i < batch.size(); i++) {
                if (outputs[0][i] > threshold) {
                    ok.add(new Owned(batch.get(i).image, keep.of(batch.get(i).candidate, outputs[0][i], i, outputs)));
                }
            }
            passed.set(t, ok);
        }, progress, from, to, net.stage == CascadeNet.Stage.RNET ? "R-Net" : "O-Net");
        List<List<Candidate>> kept = new ArrayList<>();
        works.forEach(w -> kept.add(new ArrayList<>()));
        for (List<Owned> ok : passed) {
            for (Owned o : ok) {
                kept.get(o.image).add(o.candidate);
            }
        }
        return kept;
    }

    private static double[] regression(float[] r, int i) {
        return new double[] {r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]};
    }

    /**
     * Crops each candidate's box (zero outside the image), resizes it to size x size, normalises
     * ({@link CropSampler}). The result is (N, size, size, 3), channels last.
     * A large box is cut from the smallest pyramid level where it still spans at least
     * {@code size} pixels, so the area resize reads a few hundred pixels instead of a whole face
     * at full resolution. This differs slightly from reference MTCNN, which cuts from the original:
     * levels are resized one from another and box corners are rounded at the level's resolution,
     * which can move a crop by about 2% of its side; the detection tests bound the effect.
     */
    private static float[] crops(List<ImageWork> works, List<Owned> batch, int size) {
        int plane = 3 * size * size;
        float[] data = new float[batch.size() * plane];
        for (int i = 0; i < batch.size(); i++) {
            Candidate c = batch.get(i).candidate;
            ImageWork w = works.get(batch.get(i).image);
            RgbImage img = w.work;
            RgbImage src = img;
            double side = Math.min(c.x2 - c.x1, c.y2 - c.y1);
            for (RgbImage level : w.levels) {
                if (side * level.width() / img.width() >= size && level.width() < src.width()) {
                    src = level;
                }
            }
            double sx = src.width() / (double) img.width();
            double sy = src.height() / (double) img.height();
            CropSampler.sample(src, (int) Math.round(c.x1 * sx), (int) Math.round(c.y1 * sy),
                    (int) Math.round(c.x2 * sx), (int) Math.round(c.y2 * sy), size, RfemtcDetector.MEAN,
                    RfemtcDetector.SCALE, data, i * plane);
        }
        return data;
    }
}

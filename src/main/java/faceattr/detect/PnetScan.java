package faceattr.detect;

import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.engine.Lanes;
import faceattr.image.ImageOps;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage 1 of the cascade: builds an image's pyramid, runs P-Net over it (small levels packed on
 * one canvas, large ones cut into strips of output rows, the strips spread over the lanes), and
 * turns the windows above the threshold into squared candidates after NMS per scale and across
 * scales.
 */
final class PnetScan {
    /** Pyramid levels smaller than this many pixels share one P-Net call (see {@link Packing}). */
    private static final double PACK_AREA = 160_000;
    private static final int STRIP_MIN_ROWS = 16;

    private final StageNet pnet;
    private final DetectorSettings settings;
    private final Lanes lanes;
    private final int stripOutputs;

    /**
     * @param pnet the net
     * @param settings thresholds and pyramid factor
     * @param lanes where the strips run
     * @param stripOutputs P-Net outputs per call when a canvas is cut into strips
     */
    PnetScan(StageNet pnet, DetectorSettings settings, Lanes lanes, int stripOutputs) {
        this.pnet = pnet;
        this.settings = settings;
        this.lanes = lanes;
        this.stripOutputs = stripOutputs;
    }

    /**
     * Builds the pyramid of {@code w.work} into {@code w.levels} and sets {@code w.candidates}.
     *
     * @param w the image
     * @param minFace smallest face side on the work image, pixels
     * @param progress progress and cancellation
     */
    void scan(ImageWork w, double minFace, Progress progress) {
        RgbImage img = w.work;
        List<RgbImage> levels = w.levels;
        RgbImage previous = img;
        for (double s : Pyramid.scales(img.width(), img.height(), minFace, settings.scaleFactor())) {
            // Even sizes let P-Net use its faster pooled first layer (CascadeNet.phaseConvPool)
            // and let levels be packed at even offsets; boxes are mapped back with the exact
            // per-axis factors. Each level is resized from the previous one: area averaging from
            // the full image would read all of it for every level (8 ms each at 1920x1280).
            RgbImage level = ImageOps.resize(previous, evenUp(Pyramid.scaledSize(img.width(), s)),
                    evenUp(Pyramid.scaledSize(img.height(), s)));
            previous = level;
            levels.add(level);
        }
        List<PnetMap> maps = new ArrayList<>();
        List<Strip> strips = new ArrayList<>();
        for (List<Integer> run : runs(levels)) {
            PnetMap map = new PnetMap(run, Packing.of(run, levels));
            maps.add(map);
            int step = Math.max(STRIP_MIN_ROWS, stripOutputs / map.cols);
            for (int r0 = 0; r0 < map.rows; r0 += step) {
                strips.add(new Strip(map, r0, Math.min(map.rows, r0 + step)));
            }
        }
        lanes.forEach(strips.size(), i -> strip(strips.get(i)), progress, 0, 0.8, "P-Net");
        List<Candidate> all = new ArrayList<>();
        for (PnetMap map : maps) {
            for (int k = 0; k < map.run.size(); k++) {
                RgbImage level = levels.get(map.run.get(k));
                List<Candidate> found = windows(map, map.pack.x[k], map.pack.y[k], level,
                        level.width() / (double) img.width(), level.height() / (double) img.height());
                all.addAll(Candidate.nms(found, settings.nmsPerScale(), Nms.Overlap.IOU));
            }
        }
        all = Candidate.nms(all, settings.nmsAcrossScales(), Nms.Overlap.IOU);
        List<Candidate> out = new ArrayList<>(all.size());
        for (Candidate c : all) {
            out.add(c.regressed().squared());
        }
        w.candidates = out;
    }

    /** The P-Net calls: each large level alone, the levels below {@link #PACK_AREA} together. */
    private static List<List<Integer>> runs(List<RgbImage> levels) {
        int packFrom = levels.size();
        for (int i = levels.size() - 1; i >= 0; i--) {
            RgbImage l = levels.get(i);
            if (l.width() * (double) l.height() < PACK_AREA) {
                packFrom = i;
            }
        }
        List<List<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < packFrom; i++) {
            runs.add(List.of(i));
        }
        List<Integer> small = new ArrayList<>();
        for (int i = packFrom; i < levels.size(); i++) {
            small.add(i);
        }
        if (!small.isEmpty()) {
            runs.add(small);
        }
        return runs;
    }

    /** P-Net's output maps over one packed canvas: face probability and 4 regression planes. */
    private static final class PnetMap {
        final List<Integer> run;
        final Packing pack;
        final int rows;
        final int cols;
        final float[] prob;
        final float[] reg;

        PnetMap(List<Integer> run, Packing pack) {
            this.run = run;
            this.pack = pack;
            rows = (pack.canvas.height() - Pyramid.WINDOW) / 2 + 1;
            cols = (pack.canvas.width() - Pyramid.WINDOW) / 2 + 1;
            prob = new float[rows * cols];
            reg = new float[4 * rows * cols];
        }
    }

    /** Output rows r0 (inclusive) to r1 (exclusive) of a P-Net map. */
    private record Strip(PnetMap map, int r0, int r1) {
    }

    /**
     * Runs P-Net on the input rows one strip of output rows needs and copies the result into its
     * map. P-Net's convolutions are VALID and its output stride is 2, so output row r sees input
     * rows 2r to 2r+11 only, and a strip's values equal the whole canvas's. Strips bound the
     * memory of the intermediate maps on large levels and balance the work of the lanes: on the
     * 1920x1280 bench photo, strips of {@value RfemtcDetector#STRIP_OUTPUTS} outputs gave medians
     * of 141-145 ms, strips of 73,728 outputs 149-176 ms, of 16,384 outputs 142-178 ms. At one
     * thread strips are neither faster nor slower (1152x768: 76-80 ms as one call, 73-84 ms in
     * strips of 64 to 256 rows).
     */
    private void strip(Strip strip) {
        PnetMap map = strip.map;
        RgbImage canvas = map.pack.canvas;
        int y0 = 2 * strip.r0;
        int y1 = 2 * (strip.r1 - 1) + Pyramid.WINDOW;
        float[][] out = pnet.run(ImageOps.toFloatCHW(canvas, y0, y1, RfemtcDetector.MEAN, RfemtcDetector.SCALE), 1, 3,
                y1 - y0, canvas.width());
        int n = (strip.r1 - strip.r0) * map.cols;
        System.arraycopy(out[0], 0, map.prob, strip.r0 * map.cols, n);
        float[] reg = out[1];
        int plane = map.rows * map.cols;
        for (int c = 0; c < 4; c++) {
            System.arraycopy(reg, c * n, map.reg, c * plane + strip.r0 * map.cols, n);
        }
    }

    /**
     * The P-Net windows of one level whose face probability passes the threshold. The level lies
     * at (ox, oy) of the map's input canvas; only windows entirely inside it are read, and those
     * see exactly the level's pixels (P-Net's receptive field is its 12x12 window, all
     * convolutions are VALID), so packing levels changes no value.
     */
    private List<Candidate> windows(PnetMap map, int ox, int oy, RgbImage level, double sx, double sy) {
        List<Candidate> out = new ArrayList<>();
        int mw = map.cols;
        int plane = map.rows * mw;
        float[] prob = map.prob;
        float[] reg = map.reg;
        int rows = (level.height() - Pyramid.WINDOW) / 2 + 1;
        int cols = (level.width() - Pyramid.WINDOW) / 2 + 1;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = (i + oy / 2) * mw + j + ox / 2;
                if (prob[k] >= settings.pnetThreshold()) {
                    double x1 = 2 * j / sx;
                    double y1 = 2 * i / sy;
                    double x2 = (2 * j + Pyramid.WINDOW) / sx;
                    double y2 = (2 * i + Pyramid.WINDOW) / sy;
                    out.add(new Candidate(x1, y1, x2, y2, prob[k], new double[] {reg[k], reg[plane + k],
                        reg[2 * plane + k], reg[3 * plane + k]}, null));
                }
            }
        }
        return out;
    }

    private static int evenUp(int n) {
        return n + (n & 1);
    }
}

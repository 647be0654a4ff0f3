package faceattr.detect;

import faceattr.core.RgbImage;
import java.util.List;

/**
 * Several pyramid levels side by side on one black canvas (shelf packing, even offsets), so
 * the small levels cost one P-Net call instead of one each: below about 400x400 pixels a
 * call's fixed cost (thread wake-ups, a dozen native ops) outweighs its arithmetic.
 */
final class Packing {
    final RgbImage canvas;
    /** Left edge of each level on the canvas, in run order. */
    final int[] x;
    /** Top edge of each level on the canvas, in run order. */
    final int[] y;

    private Packing(RgbImage canvas, int[] x, int[] y) {
        this.canvas = canvas;
        this.x = x;
        this.y = y;
    }

    /**
     * @param run indexes into {@code levels} of the levels to pack, largest first
     * @param levels the pyramid
     * @return the canvas (the level itself for a run of one) and each level's offset
     */
    static Packing of(List<Integer> run, List<RgbImage> levels) {
        int n = run.size();
        if (n == 1) {
            return new Packing(levels.get(run.get(0)), new int[1], new int[1]);
        }
        int width = levels.get(run.get(0)).width() + levels.get(run.get(1)).width();
        int[] xs = new int[n];
        int[] ys = new int[n];
        int cx = 0;
        int cy = 0;
        int shelf = 0;
        for (int k = 0; k < n; k++) {
            RgbImage l = levels.get(run.get(k));
            if (cx + l.width() > width) {
                cx = 0;
                cy += shelf;
                shelf = 0;
            }
            xs[k] = cx;
            ys[k] = cy;
            cx += l.width();
            shelf = Math.max(shelf, l.height());
        }
        int height = cy + shelf;
        byte[] px = new byte[width * height * 3];
        for (int k = 0; k < n; k++) {
            RgbImage l = levels.get(run.get(k));
            byte[] src = l.pixels();
            for (int r = 0; r < l.height(); r++) {
                System.arraycopy(src, r * l.width() * 3, px, ((ys[k] + r) * width + xs[k]) * 3, l.width() * 3);
            }
        }
        return new Packing(new RgbImage(width, height, px), xs, ys);
    }
}

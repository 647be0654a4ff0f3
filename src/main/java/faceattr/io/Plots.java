package faceattr.io;

import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PNG plots for evaluation reports, drawn with Java2D (works headless): a confusion matrix with
 * row-normalised shading and counts, training curves (losses and accuracies per epoch), and
 * precision–recall curves of a detector.
 */
public final class Plots {
    private Plots() {
    }

    /**
     * @param task the task, for the title
     * @param classes the class names, in the matrix's order
     * @param counts counts[true][predicted]
     * @param file the PNG to write
     * @throws IOException when it cannot be written
     */
    public static void confusion(String task, List<String> classes, int[][] counts, Path file) throws IOException {
        int k = classes.size();
        int cell = 56;
        int left = 150;
        int top = 60;
        int w = left + k * cell + 20;
        int h = top + k * cell + 130;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Confusion matrix: " + task + " (rows: true, columns: predicted)", 10, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < k; i++) {
            long row = 0;
            for (int j = 0; j < k; j++) {
                row += counts[i][j];
            }
            g.setColor(Color.BLACK);
            g.drawString(shorten(classes.get(i)), 8, top + i * cell + cell / 2 + 5);
            for (int j = 0; j < k; j++) {
                double f = row == 0 ? 0 : counts[i][j] / (double) row;
                int shade = (int) Math.round(255 * (1 - f));
                g.setColor(i == j ? new Color(shade, 255, shade) : new Color(255, shade, shade));
                g.fillRect(left + j * cell, top + i * cell, cell - 2, cell - 2);
                g.setColor(Color.BLACK);
                String s = Integer.toString(counts[i][j]);
                g.drawString(s, left + j * cell + cell / 2 - 4 * s.length(), top + i * cell + cell / 2 + 5);
            }
        }
        for (int j = 0; j < k; j++) {
            Graphics2D r = (Graphics2D) g.create();
            r.translate(left + j * cell + cell / 2 + 4, top + k * cell + 8);
            r.rotate(Math.PI / 2);
            r.drawString(shorten(classes.get(j)), 0, 0);
            r.dispose();
        }
        g.dispose();
        save(img, file);
    }

    /**
     * @param history a training history CSV (header row first; columns train_loss, val_loss, *_acc)
     * @param file the PNG to write
     * @throws IOException when it cannot be written
     */
    public static void curves(List<Csv.Row> history, Path file) throws IOException {
        List<String> header = history.get(0).fields();
        int w = 760;
        int h = 420;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Training curves (per epoch)", 10, 24);
        List<double[]> cols = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            double[] v = new double[history.size() - 1];
            for (int r = 1; r < history.size(); r++) {
                String s = history.get(r).fields().size() > c ? history.get(r).fields().get(c) : "";
                v[r - 1] = s.isEmpty() ? Double.NaN : Double.parseDouble(s);
            }
            cols.add(v);
        }
        panel(g, "loss", header, cols, List.of("train_loss", "val_loss"), 40, 50, 330, 300);
        List<String> acc = new ArrayList<>();
        for (String c : header) {
            if (c.endsWith("_acc")) {
                acc.add(c);
            }
        }
        panel(g, "accuracy", header, cols, acc, 410, 50, 330, 300);
        g.dispose();
        save(img, file);
    }

    private static void panel(Graphics2D g, String title, List<String> header, List<double[]> cols, List<String> names,
            int x0, int y0, int pw, int ph) {
        Color[] palette = {Color.BLUE, Color.RED, new Color(0, 140, 0), Color.MAGENTA, Color.ORANGE,
            new Color(0, 150, 150), Color.DARK_GRAY};
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        int n = 0;
        for (String name : names) {
            double[] v = cols.get(header.indexOf(name));
            n = Math.max(n, v.length);
            for (double d : v) {
                if (Double.isFinite(d)) {
                    max = Math.max(max, d);
                    min = Math.min(min, d);
                }
            }
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(title, x0, y0 - 8);
        g.drawRect(x0, y0, pw, ph);
        if (n == 0 || !Double.isFinite(max)) {
            return;
        }
        if (max == min) {
            max = min + 1;
        }
        g.drawString(String.format(Locale.ROOT, "%.3g", max), x0 + 4, y0 + 14);
        g.drawString(String.format(Locale.ROOT, "%.3g", min), x0 + 4, y0 + ph - 4);
        g.drawString("epoch 1.." + n, x0 + pw - 80, y0 + ph + 16);
        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < names.size(); s++) {
            double[] v = cols.get(header.indexOf(names.get(s)));
            g.setColor(palette[s % palette.length]);
            int px = -1;
            int py = -1;
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    continue;
                }
                int x = x0 + (n == 1 ? pw / 2 : (int) Math.round(i * (pw - 10.0) / (n - 1)) + 5);
                int y = y0 + ph - 5 - (int) Math.round((v[i] - min) / (max - min) * (ph - 10));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
            g.drawString(names.get(s), x0 + 8, y0 + ph + 32 + 14 * s);
        }
    }

    /**
     * Precision against recall, both on [0, 1], one line per curve with its name in the legend.
     *
     * @param title the title
     * @param curves per name, {recall[], precision[]} of equal length
     * @param file the PNG to write
     * @throws IOException when it cannot be written
     */
    public static void precisionRecall(String title, java.util.Map<String, double[][]> curves, Path file)
            throws IOException {
        Color[] palette = {Color.BLUE, Color.RED, new Color(0, 140, 0), Color.MAGENTA, Color.ORANGE,
            new Color(0, 150, 150), Color.DARK_GRAY};
        int w = 560;
        int h = 520;
        int x0 = 60;
        int y0 = 50;
        int side = 400;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 10, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(x0, y0, side, side);
        for (int k = 0; k <= 10; k += 2) {
            int x = x0 + side * k / 10;
            int y = y0 + side - side * k / 10;
            g.drawString(String.format(Locale.ROOT, "%.1f", k / 10.0), x - 8, y0 + side + 16);
            g.drawString(String.format(Locale.ROOT, "%.1f", k / 10.0), x0 - 28, y + 4);
        }
        g.drawString("recall", x0 + side / 2 - 16, y0 + side + 34);
        g.drawString("precision", 4, y0 - 8);
        g.setStroke(new BasicStroke(2f));
        int s = 0;
        for (java.util.Map.Entry<String, double[][]> e : curves.entrySet()) {
            double[] rec = e.getValue()[0];
            double[] pre = e.getValue()[1];
            g.setColor(palette[s % palette.length]);
            int px = -1;
            int py = -1;
            for (int i = 0; i < rec.length; i++) {
                if (!Double.isFinite(rec[i]) || !Double.isFinite(pre[i])) {
                    continue;
                }
                int x = x0 + (int) Math.round(rec[i] * side);
                int y = y0 + side - (int) Math.round(pre[i] * side);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawString(e.getKey(), x0 + side + 10, y0 + 14 + 16 * s);
            s++;
        }
        g.dispose();
        save(img, file);
    }

    private static Graphics2D start(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        return g;
    }

    private static String shorten(String s) {
        return s.length() > 18 ? s.substring(0, 17) + "…" : s;
    }

    private static void save(BufferedImage img, Path file) throws IOException {
        int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        try {
            ImageFiles.writePng(RgbImage.fromPackedRgb(img.getWidth(), img.getHeight(), px), file);
        } catch (FaceAttrException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}

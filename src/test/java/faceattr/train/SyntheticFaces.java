package faceattr.train;

import faceattr.data.DatasetFixtures;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Drawn face-like images whose pixels carry the labels, for learning tests: gender is the
 * background (blue or pink), race (7 classes) the skin colour, age the size of the face, emotion
 * the hair band across the top (7 colours) and the mouth (7 shapes). Attributes a sample has no label for are drawn at random, so they carry
 * no information about the labelled ones. Noise and jitter keep it from being memorised.
 */
final class SyntheticFaces implements DatasetFixtures.Painter {
    /** Skin colours of the 7 races: far apart, not realistic, so that a short run can tell them. */
    private static final Color[] SKIN = {new Color(255, 235, 220), new Color(60, 40, 30), new Color(200, 120, 40),
        new Color(255, 210, 80), new Color(150, 190, 90), new Color(120, 70, 120), new Color(90, 160, 200)};
    private static final Color[] HAIR = {Color.BLACK, Color.YELLOW, Color.GREEN, Color.RED, Color.WHITE,
        new Color(140, 0, 200), Color.ORANGE};
    /** UTKFace's 5 races drawn as one of the 7: White, Black, East Asian, Indian, Latino. */
    static final int[] RACE5_AS_7 = {0, 1, 3, 5, 2};
    private final Random random;
    private final boolean shuffleLabels;

    /**
     * @param seed the drawing seed
     * @param shuffleLabels draw random attributes instead of the labels (a broken-labels control)
     */
    SyntheticFaces(long seed, boolean shuffleLabels) {
        this.random = new Random(seed);
        this.shuffleLabels = shuffleLabels;
    }

    @Override
    public BufferedImage apply(LabelSet l) {
        int n = 64;
        boolean known = l != null && !shuffleLabels;
        int gender = known && l.has(Target.GENDER) ? l.index(Target.GENDER) : random.nextInt(2);
        int race = known && l.has(Target.RACE7) ? l.index(Target.RACE7) : known && l.has(Target.RACE5)
                ? RACE5_AS_7[l.index(Target.RACE5)] : random.nextInt(7);
        double age = known && l.has(Target.AGE) ? l.get(Target.AGE) : known && l.has(Target.AGE_GROUP)
                ? faceattr.labels.LabelSpaces.ageGroupStart(l.index(Target.AGE_GROUP)) + 4 : random.nextInt(80);
        int emotion = known && l.has(Target.EMOTION) ? l.index(Target.EMOTION) : random.nextInt(7);
        BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(gender == 0 ? new Color(60, 90, 200) : new Color(230, 140, 190));
        g.fillRect(0, 0, n, n);
        double r = 6 + Math.min(age, 90) / 90.0 * 26; // face radius grows with age, 6 to 32 of 64 px
        double cx = 32 + random.nextGaussian();
        double cy = 32 + random.nextGaussian();
        g.setColor(SKIN[race]);
        g.fillOval((int) (cx - r), (int) (cy - r * 1.15), (int) (2 * r), (int) (2.3 * r));
        g.setColor(Color.BLACK);
        int eye = Math.max(2, (int) (r / 6));
        g.fillOval((int) (cx - r / 2.5) - eye / 2, (int) (cy - r / 3), eye, eye);
        g.fillOval((int) (cx + r / 2.5) - eye / 2, (int) (cy - r / 3), eye, eye);
        g.setColor(HAIR[emotion]);
        g.fillRect(0, 0, n, 14);
        drawMouth(g, emotion, cx, cy + r / 2, r / 2.2);
        g.dispose();
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int rgb = img.getRGB(x, y);
                int d = (int) (random.nextGaussian() * 6);
                int rr = clamp(((rgb >> 16) & 0xff) + d);
                int gg = clamp(((rgb >> 8) & 0xff) + d);
                int bb = clamp((rgb & 0xff) + d);
                img.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
            }
        }
        return img;
    }

    private static void drawMouth(Graphics2D g, int emotion, double x, double y, double w) {
        g.setColor(new Color(120, 0, 0));
        g.setStroke(new BasicStroke(2f));
        int x0 = (int) (x - w);
        int x1 = (int) (x + w);
        int yy = (int) y;
        switch (emotion) {
            case 0 -> g.drawLine(x0, yy, x1, yy); // neutral: straight
            case 1 -> g.drawArc(x0, yy - (int) w, 2 * (int) w, 2 * (int) w, 200, 140); // happiness: smile
            case 2 -> g.drawArc(x0, yy, 2 * (int) w, 2 * (int) w, 20, 140); // sadness: frown
            case 3 -> g.fillRect(x0, yy - 2, 2 * (int) w, 5); // anger: thick bar
            case 4 -> g.drawOval((int) (x - w / 3), yy - (int) (w / 3), (int) (w / 1.5), (int) (w / 1.5)); // fear
            case 5 -> g.drawLine(x0, yy - (int) (w / 2), x1, yy + (int) (w / 2)); // disgust: slanted
            default -> g.fillOval((int) (x - w / 2), yy - (int) (w / 2), (int) w, (int) w); // surprise: open
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}

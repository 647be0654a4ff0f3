package faceattr.detect.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.Progress;
import faceattr.data.detection.DetectionKind;
import faceattr.data.detection.DetectionSet;
import faceattr.detect.Box;
import faceattr.detect.DetectorSettings;
import faceattr.detect.eval.DetectorEvaluator;
import faceattr.engine.InferenceEngine;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that the detector learns (docs/detection-training.md): drawn cartoon faces on cluttered
 * backgrounds, written in WIDER's exact layout, which the pretrained cascade misses. Fine-tuning
 * the receptive-field blocks and heads of all three stages must raise held-out recall at one false
 * positive per image by the margin below; trained on the same images with the boxes moved off the
 * faces, it must not.
 */
class DetectorLearningTest {
    @TempDir
    Path tmp;

    /** Draws a scene and returns its face boxes; {@code wrongBoxes} returns boxes off the faces instead. */
    private static List<Box> scene(Path file, Random rng, boolean wrongBoxes) throws Exception {
        int w = 160;
        int h = 120;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 25; i++) { // clutter: boxes, lines and rings in random colours
            g.setColor(new Color(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)));
            int x = rng.nextInt(w);
            int y = rng.nextInt(h);
            switch (rng.nextInt(3)) {
                case 0 -> g.fillRect(x, y, 4 + rng.nextInt(30), 4 + rng.nextInt(30));
                case 1 -> {
                    g.setStroke(new BasicStroke(1 + rng.nextInt(3)));
                    g.drawLine(x, y, rng.nextInt(w), rng.nextInt(h));
                }
                default -> g.drawOval(x, y, 6 + rng.nextInt(20), 6 + rng.nextInt(20));
            }
        }
        List<Box> faces = new ArrayList<>();
        int count = 1 + rng.nextInt(2);
        for (int f = 0; f < count; f++) {
            int s = 28 + rng.nextInt(24);
            Box b = null;
            for (int a = 0; a < 50 && b == null; a++) {
                Box c = new Box(rng.nextInt(w - s), rng.nextInt(h - s), s, s);
                if (faces.stream().noneMatch(o -> o.intersection(c) > 0)) {
                    b = c;
                }
            }
            if (b == null) {
                continue;
            }
            int x = (int) b.x();
            int y = (int) b.y();
            // A cartoon face: a skin-coloured disc, two dark eyes, a nose dot and a mouth arc.
            g.setColor(new Color(200 + rng.nextInt(50), 150 + rng.nextInt(60), 100 + rng.nextInt(60)));
            g.fillOval(x, y, s, s);
            g.setColor(new Color(20, 20, 20));
            int e = Math.max(3, s / 7);
            g.fillOval(x + s * 3 / 10 - e / 2, y + s * 4 / 10 - e / 2, e, e);
            g.fillOval(x + s * 7 / 10 - e / 2, y + s * 4 / 10 - e / 2, e, e);
            g.fillOval(x + s / 2 - 1, y + s * 6 / 10 - 1, 3, 3);
            g.setStroke(new BasicStroke(Math.max(1.5f, s / 16f)));
            g.drawArc(x + s * 3 / 10, y + s * 6 / 10, s * 4 / 10, s / 5, 180, 180);
            faces.add(b);
        }
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
        if (!wrongBoxes) {
            return faces;
        }
        List<Box> moved = new ArrayList<>();
        for (Box b : faces) { // the same sizes, mirrored through the centre: off the faces
            moved.add(new Box(w - b.x2(), h - b.y2(), b.width(), b.height()));
        }
        return moved;
    }

    /** Writes a WIDER set: {@code train} images for training, {@code val} held out. */
    private Path set(String name, int train, int val, long seed, boolean wrongTrainBoxes) throws Exception {
        Path root = tmp.resolve(name);
        Random rng = new Random(seed);
        for (String split : List.of("train", "val")) {
            StringBuilder gt = new StringBuilder();
            int n = split.equals("train") ? train : val;
            for (int i = 0; i < n; i++) {
                String id = "0--Cartoon/0_Cartoon_scene_" + i + ".png";
                List<Box> boxes = scene(root.resolve("WIDER_" + split + "/images/" + id), rng,
                        split.equals("train") && wrongTrainBoxes);
                gt.append(id).append('\n').append(boxes.size()).append('\n');
                for (Box b : boxes) {
                    gt.append(String.format(Locale.ROOT, "%d %d %d %d 0 0 0 0 0 0 %n", (int) b.x(), (int) b.y(),
                            (int) b.width(), (int) b.height()));
                }
            }
            Path f = root.resolve("wider_face_split/wider_face_" + split + "_bbx_gt.txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, gt.toString());
        }
        return root;
    }

    private double recallAtOneFpPerImage(DetectionSet set, Path detector, String name) throws Exception {
        DetectorSettings s = DetectorSettings.builder().optMinFace(20).optThreshold(DetectorEvaluator.THRESHOLD)
                .optDetector(detector).build();
        DetectorEvaluator.Report r = DetectorEvaluator.run(set, false, s, InferenceEngine.DEFAULT, -1,
                tmp.resolve("report-" + name), Progress.NONE, l -> { });
        return r.curve().recallAt(1.0);
    }

    @Test
    void theSameSeedTrainsTheSameWeights() throws Exception {
        DetectionSet small = DetectionKind.WIDER.load(set("small", 8, 0, 3, false), 12);
        DetectorTrainer.Options o = new DetectorTrainer.Options(List.of("pnet", "onet"), 1, 16, 3e-3, false, 9, 12);
        new DetectorTrainer(o).run(small, tmp.resolve("a"), false, Progress.NONE, l -> { }, -1);
        new DetectorTrainer(o).run(small, tmp.resolve("b"), false, Progress.NONE, l -> { }, -1);
        for (String stage : List.of("pnet", "onet")) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a/" + stage + ".safetensors")),
                    Files.readAllBytes(tmp.resolve("b/" + stage + ".safetensors"))), stage + " differs between runs");
        }
        new DetectorTrainer(new DetectorTrainer.Options(List.of("pnet", "onet"), 1, 16, 3e-3, false, 10, 12))
                .run(small, tmp.resolve("c"), false, Progress.NONE, l -> { }, -1);
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a/pnet.safetensors")),
                Files.readAllBytes(tmp.resolve("c/pnet.safetensors"))), "another seed, other crops, other weights");
    }

    @Test
    void aStoppedRunResumesToTheSameWeights() throws Exception {
        DetectionSet small = DetectionKind.WIDER.load(set("resume", 8, 0, 4, false), 12);
        DetectorTrainer.Options o = new DetectorTrainer.Options(List.of("pnet", "onet"), 2, 16, 3e-3, false, 9, 12);
        new DetectorTrainer(o).run(small, tmp.resolve("straight"), false, Progress.NONE, l -> { }, -1);

        // Stopped in O-Net's second epoch (Esc): the first epoch's checkpoint stays.
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Progress esc = new Progress() {
            @Override
            public void report(double fraction, String message) {
            }

            @Override
            public boolean isCancelled() {
                return stop.get();
            }
        };
        Path stopped = tmp.resolve("stopped");
        org.junit.jupiter.api.Assertions.assertThrows(faceattr.core.CancelledException.class, () ->
                new DetectorTrainer(o).run(small, stopped, false, esc, l -> stop.set(l.startsWith("onet epoch 1/2")), -1));
        assertEquals(List.of("pnet"), faceattr.detect.DetectorFolder.read(stopped).fields().get("stages_trained"));

        faceattr.core.FaceAttrException fresh = org.junit.jupiter.api.Assertions.assertThrows(
                faceattr.core.FaceAttrException.class, () -> new DetectorTrainer(o).run(small, stopped, false,
                        Progress.NONE, l -> { }, -1));
        assertTrue(fresh.getMessage().contains("--resume"), fresh.getMessage());
        DetectorTrainer.Options other = new DetectorTrainer.Options(List.of("pnet", "onet"), 2, 8, 3e-3, false, 9, 12);
        faceattr.core.FaceAttrException changed = org.junit.jupiter.api.Assertions.assertThrows(
                faceattr.core.FaceAttrException.class, () -> new DetectorTrainer(other).run(small, stopped, true,
                        Progress.NONE, l -> { }, -1));
        assertTrue(changed.getMessage().contains("batch=16") && changed.getMessage().contains("batch=8"),
                changed.getMessage());

        List<String> log = new ArrayList<>();
        new DetectorTrainer(o).run(small, stopped, true, Progress.NONE, log::add, -1);
        assertTrue(log.contains("onet: resumed after epoch 1"), log.toString());
        for (String stage : List.of("pnet", "rnet", "onet")) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("straight/" + stage + ".safetensors")),
                    Files.readAllBytes(stopped.resolve(stage + ".safetensors"))), stage + ": resumed != straight");
        }
    }

    @Test
    void fineTuningTheBlocksRaisesRecallAndShuffledBoxesDoNot() throws Exception {
        DetectorTrainer.Options o = new DetectorTrainer.Options(List.of("pnet", "rnet", "onet"), 4, 32, 3e-3, false,
                5, 12);
        DetectionSet right = DetectionKind.WIDER.load(set("right", 48, 24, 11, false), 12);
        DetectionSet wrong = DetectionKind.WIDER.load(set("wrong", 48, 24, 11, true), 12);
        double before = recallAtOneFpPerImage(right, null, "before");

        List<String> log = new ArrayList<>();
        new DetectorTrainer(o).run(right, tmp.resolve("tuned"), false, Progress.NONE, log::add, -1);
        double after = recallAtOneFpPerImage(right, tmp.resolve("tuned"), "after");

        new DetectorTrainer(o).run(wrong, tmp.resolve("shuffled"), false, Progress.NONE, l -> { }, -1);
        double shuffled = recallAtOneFpPerImage(right, tmp.resolve("shuffled"), "shuffled");

        System.out.printf(Locale.ROOT, "detector learning: held-out recall at 1 FP/image %.3f before, %.3f after "
                + "fine-tuning, %.3f with boxes off the faces%n", before, after, shuffled);
        log.forEach(l -> System.out.println("  " + l));
        assertTrue(after >= before + 0.3, "recall " + before + " -> " + after);
        assertTrue(shuffled <= before + 0.1, "boxes off the faces still taught it: " + before + " -> " + shuffled);
        assertEquals(List.of("pnet", "rnet", "onet"), faceattr.detect.DetectorFolder.read(tmp.resolve("tuned")).fields()
                .get("stages_trained"));
    }
}

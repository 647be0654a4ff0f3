package faceattr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.DetectorSettings;
import faceattr.detect.RfemtcDetector;
import faceattr.io.ImageFiles;
import faceattr.io.JsonFields;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faceattr eval-detector} end to end on a WIDER-format set built here: the sample photo's
 * face pasted at known places and sizes onto the coffee photo, so the true boxes are known by
 * construction; two images hold no face. The pretrained cascade must find them (AP at least 0.9),
 * and the same detections scored against boxes moved off the faces must score near zero.
 */
class EvalDetectorCommandTest {
    @TempDir
    static Path tmp;

    /** The astronaut's face box in the sample photo, by the pretrained cascade. */
    private static Box face;

    @BeforeAll
    static void findTheSampleFace() throws Exception {
        try (RfemtcDetector d = RfemtcDetector.create(DetectorSettings.DEFAULT)) {
            List<DetectedFace> found = d.detect(ImageFiles.read(Path.of("sample-data/astronaut.png")));
            assertEquals(1, found.size());
            face = found.get(0).box();
        }
    }

    /** Writes a WIDER set; {@code offTheFace} moves every true box away from its face. */
    private static Path set(String name, boolean offTheFace) throws Exception {
        Path root = tmp.resolve(name);
        BufferedImage astronaut = ImageIO.read(Path.of("sample-data/astronaut.png").toFile());
        BufferedImage coffee = ImageIO.read(Path.of("sample-data/coffee.png").toFile());
        // A region around the face, one face size of margin on each side, clipped to the photo.
        int rx = (int) Math.max(0, face.x() - face.width());
        int ry = (int) Math.max(0, face.y() - face.height());
        int rx2 = (int) Math.min(astronaut.getWidth(), face.x2() + face.width());
        int ry2 = (int) Math.min(astronaut.getHeight(), face.y2() + face.height());
        double[][] placements = {{0.5, 20, 30}, {0.8, 200, 60}, {1.0, 150, 10}, {0.35, 400, 250}};
        StringBuilder gt = new StringBuilder();
        for (int i = 0; i < placements.length + 2; i++) {
            String id = "0--Parade/0_Parade_scene_" + i + ".jpg";
            BufferedImage canvas = new BufferedImage(600, 400, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = canvas.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(coffee, 0, 0, null);
            List<Box> boxes = new ArrayList<>();
            if (i < placements.length) {
                double s = placements[i][0];
                int ox = (int) placements[i][1];
                int oy = (int) placements[i][2];
                g.drawImage(astronaut, ox, oy, ox + (int) Math.round((rx2 - rx) * s),
                        oy + (int) Math.round((ry2 - ry) * s), rx, ry, rx2, ry2, null);
                Box b = new Box((face.x() - rx) * s + ox, (face.y() - ry) * s + oy, face.width() * s, face.height() * s);
                boxes.add(offTheFace ? new Box(599 - b.x2(), 399 - b.y2(), b.width(), b.height()) : b);
            }
            g.dispose();
            Path file = root.resolve("WIDER_val/images/" + id);
            Files.createDirectories(file.getParent());
            ImageIO.write(canvas, "jpg", file.toFile());
            gt.append(id).append('\n').append(boxes.size()).append('\n');
            if (boxes.isEmpty()) {
                gt.append("0 0 0 0 0 0 0 0 0 0 \n");
            }
            for (Box b : boxes) {
                gt.append(String.format(Locale.ROOT, "%d %d %d %d 0 0 0 0 0 0 %n", Math.round(b.x()), Math.round(b.y()),
                        Math.round(b.width()), Math.round(b.height())));
            }
        }
        Path split = Files.createDirectories(root.resolve("wider_face_split"));
        Files.writeString(split.resolve("wider_face_val_bbx_gt.txt"), gt.toString());
        return root;
    }

    private static double ap(Path report) throws Exception {
        return JsonFields.of(faceattr.io.Json.parse(Files.readString(report.resolve("metrics.json"))), "metrics")
                .number("ap");
    }

    @Test
    void findsThePastedFacesAndScoresMovedBoxesNearZero() throws Exception {
        Path report = tmp.resolve("report");
        MainTest.Run r = MainTest.faceattr("eval-detector", "--data", "wider:" + set("right", false), "--out",
                report.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(": 6 used, 0 skipped"), r.out());
        assertTrue(r.out().contains("over 4 faces in 6 images"), r.out());
        double ap = ap(report);
        System.out.print("eval-detector on pasted faces: " + r.out());
        assertTrue(ap >= 0.9, "AP " + ap + "\n" + r.out());
        for (String f : List.of("report.md", "precision_recall.png", "detections/0--Parade/0_Parade_scene_0.txt")) {
            assertTrue(Files.isRegularFile(report.resolve(f)), f);
        }
        List<String> lines = Files.readAllLines(report.resolve("detections/0--Parade/0_Parade_scene_1.txt"),
                StandardCharsets.UTF_8);
        assertEquals("0_Parade_scene_1", lines.get(0));
        assertEquals(Integer.parseInt(lines.get(1)), lines.size() - 2, "the count, then one line per detection");
        assertTrue(lines.size() > 2 && lines.get(2).split(" ").length == 5, lines.toString());

        Path moved = tmp.resolve("moved");
        MainTest.Run m = MainTest.faceattr("eval-detector", "--data", "wider:" + set("moved", true), "--out",
                moved.toString(), "--device", "cpu");
        assertEquals(0, m.code(), m.err());
        System.out.print("eval-detector against moved boxes: " + m.out());
        assertTrue(ap(moved) < 0.1, "AP " + ap(moved) + " against boxes off the faces");
    }

    @Test
    void anExportOfReviewedFacesIsADetectionSetTheEvaluationReads() throws Exception {
        String img = Path.of("sample-data/astronaut.png").toAbsolutePath().toString();
        String geometry = String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%.2f,1.0,%s", face.x(), face.y(), face.width(),
                face.height(), "204.58,101.52,245.77,103.09,224.44,128.66,201.30,139.28,244.72,141.08");
        Path csv = tmp.resolve("reviewed/faces.csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "image,face,x,y,width,height,score,left_eye_x,left_eye_y,right_eye_x,right_eye_y,"
                + "nose_x,nose_y,mouth_left_x,mouth_left_y,mouth_right_x,mouth_right_y,reviewed,not_a_face\n"
                + img + ",1," + geometry + ",true,false\n"
                + img + ",2,10,400,60,60,0.8,20,420,40,420,30,430,22,440,38,440,true,true\n");
        Path set = tmp.resolve("exported");
        MainTest.Run ex = MainTest.faceattr("export", "--from", csv.toString(), "--format", "wider", "--out",
                set.toString());
        assertEquals(0, ex.code(), ex.err());
        assertTrue(ex.out().contains("1 faces exported") && ex.out().contains("1 hard negatives"), ex.out());
        MainTest.Run ev = MainTest.faceattr("eval-detector", "--data", "wider:" + set, "--out",
                tmp.resolve("exported-report").toString(), "--all", "--device", "cpu");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("AP 1.0000 (IoU 0.5) over 1 faces in 1 images"), ev.out());
        // The exported landmarks are those the cascade gives this face (faces.csv of an analysis).
        java.util.regex.Matcher nme = java.util.regex.Pattern.compile("landmark NME ([0-9.]+) \\(inter-pupil\\) over 1 "
                + "faces").matcher(ev.out());
        assertTrue(nme.find(), ev.out());
        assertTrue(Double.parseDouble(nme.group(1)) < 0.05, ev.out());
        MainTest.Run bad = MainTest.faceattr("export", "--from", csv.toString(), "--format", "coco", "--out",
                tmp.resolve("coco").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--format: unknown dataset kind 'coco'") && bad.err().contains("or wider"),
                bad.err());
    }

    @Test
    void trainDetectorWritesAFolderThatDetectAndEvalDetectorUse() throws Exception {
        Path set = set("train-cli", false);
        // A CelebA set (in the wild) beside it: the astronaut as 000001.jpg with its box and landmarks.
        Path celeba = tmp.resolve("celeba");
        Files.createDirectories(celeba.resolve("img_celeba"));
        ImageIO.write(ImageIO.read(Path.of("sample-data/astronaut.png").toFile()), "jpg",
                celeba.resolve("img_celeba/000001.jpg").toFile());
        Files.writeString(celeba.resolve("list_bbox_celeba.txt"), String.format(Locale.ROOT,
                "1%nimage_id x_1 y_1 width height%n000001.jpg %d %d %d %d%n", Math.round(face.x()), Math.round(face.y()),
                Math.round(face.width()), Math.round(face.height())));
        Files.writeString(celeba.resolve("list_landmarks_celeba.txt"), "1\nlefteye_x lefteye_y righteye_x righteye_y "
                + "nose_x nose_y leftmouth_x leftmouth_y rightmouth_x rightmouth_y\n"
                + "000001.jpg 205 102 246 103 224 129 201 139 245 141\n");
        // Validation, as the WIDER set's images: with no training split the trainer takes every image.
        Files.writeString(celeba.resolve("list_eval_partition.txt"), "000001.jpg 1\n");
        Path detector = tmp.resolve("detector");
        MainTest.Run t = MainTest.faceattr("train-detector", "--data", "wider:" + set, "--data", "celeba:" + celeba,
                "--out", detector.toString(), "--stages", "pnet", "--epochs", "1", "--batch", "16", "--device", "cpu");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("celeba " + celeba + ": 1 used, 0 skipped"), t.out());
        assertTrue(t.out().contains("pnet epoch 1/1: loss="), t.out());
        assertTrue(t.out().contains("detector: " + detector), t.out());
        for (String f : List.of("detector.json", "pnet.safetensors", "rnet.safetensors", "onet.safetensors")) {
            assertTrue(Files.isRegularFile(detector.resolve(f)), f);
        }
        MainTest.Run d = MainTest.faceattr("detect", "--detector", detector.toString(), "--out",
                tmp.resolve("detected").toString(), "sample-data/astronaut.png");
        assertEquals(0, d.code(), d.err());
        assertTrue(Files.readString(tmp.resolve("detected/faces.csv")).lines().count() >= 2, "a face row");

        // Installed by name into the store, used by name, listed, removed.
        String previous = System.getProperty(faceattr.model.io.ModelStore.PROPERTY);
        System.setProperty(faceattr.model.io.ModelStore.PROPERTY, tmp.resolve("store").toString());
        try {
            MainTest.Run in = MainTest.faceattr("models", "install", detector.toString(), "--name", "cartoons");
            assertEquals(0, in.code(), in.err());
            assertTrue(in.out().contains("installed detector cartoons"), in.out());
            assertTrue(Files.isRegularFile(tmp.resolve("store/detectors/cartoons/detector.json")));
            MainTest.Run list = MainTest.faceattr("models", "list");
            assertTrue(list.out().contains("detectors in ") && list.out().contains("  cartoons"), list.out());
            assertTrue(list.err().isEmpty(), "the detectors folder is not a broken model: " + list.err());
            MainTest.Run byName = MainTest.faceattr("detect", "--detector", "cartoons", "--out",
                    tmp.resolve("by-name").toString(), "sample-data/astronaut.png");
            assertEquals(0, byName.code(), byName.err());
            MainTest.Run unknown = MainTest.faceattr("detect", "--detector", "nosuch", "--out",
                    tmp.resolve("unknown").toString(), "sample-data/astronaut.png");
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("nosuch: no such detector folder, and no installed detector of that "
                    + "name"), unknown.err());
            MainTest.Run rm = MainTest.faceattr("models", "remove", "cartoons", "--detector");
            assertEquals(0, rm.code(), rm.err());
            assertTrue(!Files.exists(tmp.resolve("store/detectors/cartoons")));
        } finally {
            if (previous == null) {
                System.clearProperty(faceattr.model.io.ModelStore.PROPERTY);
            } else {
                System.setProperty(faceattr.model.io.ModelStore.PROPERTY, previous);
            }
        }

        // train and eval cut unaligned crops with the chosen detector: an unknown one is named.
        Path raf = tmp.resolve("raf");
        faceattr.data.DatasetFixtures.rafdb(raf, List.of(1, 2, 3, 4), List.of(4, 7), faceattr.data.DatasetFixtures.GREY);
        MainTest.Run train = MainTest.faceattr("train", "--data", "rafdb:" + raf, "--out", tmp.resolve("m").toString(),
                "--detector", tmp.resolve("no-detector").toString(), "--device", "cpu");
        assertEquals(1, train.code(), train.err());
        assertTrue(train.err().contains("no-detector: no such detector folder"), train.err());

        // A folder that is not a detector, and a damaged one, are named with what to do.
        MainTest.Run none = MainTest.faceattr("detect", "--detector", tmp.toString(), "--out",
                tmp.resolve("d2").toString(), "sample-data/astronaut.png");
        assertEquals(1, none.code());
        assertTrue(none.err().contains("not a detector folder (no detector.json)"), none.err());
        Files.writeString(detector.resolve("rnet.safetensors"), "truncated");
        MainTest.Run broken = MainTest.faceattr("eval-detector", "--detector", detector.toString(), "--data",
                "wider:" + set, "--out", tmp.resolve("r2").toString());
        assertEquals(1, broken.code());
        assertTrue(broken.err().contains("rnet.safetensors"), broken.err());
    }

    @Test
    void aWrongKindOrFolderIsNamed() {
        MainTest.Run kind = MainTest.faceattr("eval-detector", "--data", "fddb:" + tmp, "--out", tmp.resolve("x")
                .toString());
        assertEquals(2, kind.code());
        assertTrue(kind.err().contains("unknown detection set kind 'fddb': use wider"), kind.err());
        MainTest.Run crops = MainTest.faceattr("train-detector", "--data", "wider:" + tmp, "--out",
                tmp.resolve("z").toString(), "--crops-per-face", "0");
        assertEquals(2, crops.code());
        assertTrue(crops.err().contains("at least 1 crop per face"), crops.err());
        MainTest.Run folder = MainTest.faceattr("eval-detector", "--data", "wider:" + tmp.resolve("none"), "--out",
                tmp.resolve("y").toString());
        assertEquals(1, folder.code());
        assertTrue(folder.err().contains("wider_face_split/wider_face_train_bbx_gt.txt"), folder.err());
    }
}

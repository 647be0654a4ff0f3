package faceattr.detect.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import faceattr.data.detection.DetectionKind;
import faceattr.data.detection.DetectionSet;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WIDER's easy/medium/hard lists (MAT fixtures written by scipy in eval_tools' layout) read with the
 * set, and the subset APs: a face outside a subset's rows is an ignored region for it.
 */
class WiderSubsetsTest {
    @TempDir
    Path tmp;

    private Path widerVal() throws Exception {
        Path root = tmp.resolve("WIDER");
        String gt = String.join("\n", "0--Parade/0_Parade_scene_0.jpg", "3", "10 10 80 90 0 0 0 0 0 0 ",
                "200 40 30 34 0 0 0 0 0 0 ", "300 300 10 12 0 0 0 0 0 0 ", "0--Parade/0_Parade_scene_1.jpg", "1",
                "5 5 60 60 0 0 0 0 0 0 ", "1--Handshaking/1_Handshaking_scene_0.jpg", "2", "40 50 20 22 0 0 0 0 0 0 ",
                "100 100 70 75 0 0 0 0 0 0 ") + "\n";
        Files.createDirectories(root.resolve("wider_face_split"));
        Files.writeString(root.resolve("wider_face_split/wider_face_val_bbx_gt.txt"), gt);
        for (String n : List.of("0--Parade/0_Parade_scene_0.jpg", "0--Parade/0_Parade_scene_1.jpg",
                "1--Handshaking/1_Handshaking_scene_0.jpg")) {
            faceattr.data.DatasetFixtures.jpg(root.resolve("WIDER_val/images/" + n),
                    new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB));
        }
        return root;
    }

    @Test
    void subsetsScoreTheirRowsAndIgnoreTheOthers() throws Exception {
        Path root = widerVal();
        assertNull(DetectionKind.WIDER.load(root, 1).subsets(), "no lists, no subsets");
        Path lists = Files.createDirectories(root.resolve("eval_tools/ground_truth"));
        for (String s : List.of("easy", "medium", "hard")) {
            Files.copy(Path.of("src/test/resources/faceattr/wider-mat").resolve("wider_" + s + "_val.mat"),
                    lists.resolve("wider_" + s + "_val.mat"));
        }
        DetectionSet set = DetectionKind.WIDER.load(root, 1);
        assertNotNull(set.subsets());
        assertEquals(Set.of(1), set.subsets().rows().get("easy").get("0--Parade/0_Parade_scene_0"));
        assertEquals(Set.of(1, 2, 3), set.subsets().rows().get("hard").get("0--Parade/0_Parade_scene_0"));

        // One detection, exactly on the Parade scene's second face (200, 40, 30, 34).
        List<PrCurve.Image> images = new ArrayList<>();
        for (int i = 0; i < set.samples().size(); i++) {
            List<DetectedFace> d = i == 0 ? List.of(new DetectedFace(new Box(200, 40, 30, 34), 0.9,
                    new Landmarks(new double[10]))) : List.of();
            images.add(new PrCurve.Image(d, set.samples().get(i).faces()));
        }
        // easy scores rows {1}, {1}, {2}: 3 faces; the detection hits an ignored face: AP 0, no false positive.
        PrCurve easy = PrCurve.of(DetectorEvaluator.subset(set.samples(), images,
                set.subsets().rows().get("easy")), 0.5);
        assertEquals(3, easy.faces());
        assertEquals(0.0, easy.averagePrecision(), 1e-12);
        assertEquals(0.0, easy.falsePositivesPerImage()[PrCurve.THRESHOLDS - 1], 1e-12);
        // medium scores 5 faces, the detection finds one at precision 1: AP 0.2; hard 6 faces: 1/6.
        assertEquals(0.2, PrCurve.of(DetectorEvaluator.subset(set.samples(), images,
                set.subsets().rows().get("medium")), 0.5).averagePrecision(), 1e-12);
        assertEquals(1 / 6.0, PrCurve.of(DetectorEvaluator.subset(set.samples(), images,
                set.subsets().rows().get("hard")), 0.5).averagePrecision(), 1e-12);
    }
}

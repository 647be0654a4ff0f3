package faceattr.data.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.data.LoadReport;
import faceattr.data.Split;
import faceattr.detect.Box;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CelebA's files as distributed (count line, header, rows), in the wild and aligned, with broken rows. */
class CelebAFormatTest {
    @TempDir
    Path tmp;

    private static final String LM_HEADER = "lefteye_x lefteye_y righteye_x righteye_y nose_x nose_y leftmouth_x "
            + "leftmouth_y rightmouth_x rightmouth_y";

    private static void jpg(Path f) throws Exception {
        faceattr.data.DatasetFixtures.jpg(f, new BufferedImage(40, 50, BufferedImage.TYPE_INT_RGB));
    }

    @Test
    void readsTheWildSetWithBoxesLandmarksAndPartitions() throws Exception {
        Path root = tmp.resolve("CelebA");
        Files.createDirectories(root.resolve("Anno"));
        Files.createDirectories(root.resolve("Eval"));
        // CelebA's columns are padded with spaces.
        Files.writeString(root.resolve("Anno/list_bbox_celeba.txt"), String.join("\n", "4",
                "image_id x_1 y_1 width height", "000001.jpg    95  71 226 313", "000002.jpg    72  94 221 306",
                "000003.jpg   216  59  91 126", "000004.jpg     0   0   0 100") + "\n");
        Files.writeString(root.resolve("Anno/list_landmarks_celeba.txt"), String.join("\n", "5", LM_HEADER,
                "000001.jpg 165 184 244 176 196 249 194 271 266 260",
                "000002.jpg 140 204 220 204 168 254 146 289 226 289",
                "000003.jpg 244 104 264 105 263 121 235 134 251 140",
                "000004.jpg 10 20 30 20 20 30 12 40 28 40",
                "000005.jpg 1 2 3") + "\n");
        Files.writeString(root.resolve("Eval/list_eval_partition.txt"), "000001.jpg 0\n000002.jpg 1\n000003.jpg 2\n");
        for (String n : List.of("000001.jpg", "000002.jpg", "000004.jpg")) {
            jpg(root.resolve("Img/img_celeba/" + n));
        }
        DetectionSet set = DetectionKind.CELEBA.load(root, 12);
        assertEquals(List.of("000001.jpg", "000002.jpg"), set.samples().stream().map(DetectionSample::id).toList());
        DetectionSample first = set.samples().get(0);
        assertEquals(new Box(95, 71, 226, 313), first.faces().get(0).box());
        assertEquals(165, first.faces().get(0).landmarks().x(0));
        assertEquals(260, first.faces().get(0).landmarks().y(4));
        assertEquals(Split.TRAIN, first.split());
        assertEquals(Split.VAL, set.samples().get(1).split());
        assertFalse(first.exhaustive(), "one face annotated per photo");
        LoadReport r = set.report();
        assertEquals(1, r.skipped().get("image missing"));
        assertEquals(1, r.skipped().get("box of zero or negative width or height"));
        assertEquals(1, r.skipped().get("list_landmarks_celeba.txt line is not '<image>' and 10 numbers"));
        assertEquals(List.of("list_landmarks_celeba.txt:7"),
                r.examples().get("list_landmarks_celeba.txt line is not '<image>' and 10 numbers"));
    }

    @Test
    void alignedCropsGetTheBoxTheAlignmentTemplateCovers() throws Exception {
        Path root = tmp.resolve("flat");
        Files.createDirectories(root);
        Files.writeString(root.resolve("list_landmarks_align_celeba.txt"), String.join("\n", "1", LM_HEADER,
                "000001.jpg 69 109 106 113 77 142 73 152 108 154") + "\n");
        jpg(root.resolve("img_align_celeba/000001.jpg"));
        DetectionSet set = DetectionKind.CELEBA.load(root, 12);
        assertEquals(1, set.samples().size());
        GroundTruthFace f = set.samples().get(0).faces().get(0);
        Box b = f.box();
        for (int k = 0; k < 5; k++) {
            assertTrue(f.landmarks().x(k) > b.x() && f.landmarks().x(k) < b.x2() && f.landmarks().y(k) > b.y()
                    && f.landmarks().y(k) < b.y2(), "point " + k + " inside " + b);
        }
        // The template's eyes are 35.2 px apart in its 112 px crop; these are 37.2 apart and tilted by
        // 6 degrees: the fitted square is a little over 112 px, its bounding box up to 11 % wider.
        assertTrue(b.width() > 105 && b.width() < 135, "width " + b.width());
        assertEquals(b.width(), b.height(), 2, "the bounding box of a rotated square is square");
        assertTrue(set.report().summary().startsWith("celeba aligned " + root), set.report().summary());
    }

    @Test
    void aFolderWithoutCelebAsFilesIsNamed() {
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> DetectionKind.CELEBA.load(tmp, 12));
        assertTrue(e.getMessage().contains("list_bbox_celeba.txt") && e.getMessage().contains("img_align_celeba/"),
                e.getMessage());
    }
}

package faceattr.data.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** The WIDER FACE loader on a small set written in WIDER's exact layout, with broken entries. */
class WiderFaceFormatTest {
    @TempDir
    Path tmp;

    private static void image(Path root, String split, String name) throws Exception {
        Path f = root.resolve("WIDER_" + split + "/images/" + name);
        Files.createDirectories(f.getParent());
        faceattr.data.DatasetFixtures.jpg(f, new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB));
    }

    @Test
    void readsWidersLayoutAndReportsEverySkippedRow() throws Exception {
        Path root = tmp.resolve("WIDER FACE");
        Files.createDirectories(root.resolve("wider_face_split"));
        // The real files end each face line with a space and use Unix line ends.
        Files.writeString(root.resolve("wider_face_split/wider_face_train_bbx_gt.txt"), String.join("\n",
                "0--Parade/0_Parade_marchingband_1_849.jpg", "1", "449 330 122 149 0 0 0 0 0 0 ",
                "0--Parade/0_Parade_Parade_0_904.jpg", "3",
                "10 20 30 40 2 0 0 0 1 0 ",     // kept: heavy blur, partial occlusion
                "50 5 8 9 0 0 0 0 0 0 ",        // below 12 px: an ignored region
                "1 1 25 25 0 0 0 1 0 0 ",       // marked invalid: an ignored region
                "1--Handshaking/1_Handshaking_Handshaking_1_35.jpg", "0", "0 0 0 0 0 0 0 0 0 0 ",
                "1--Handshaking/1_Handshaking_missing.jpg", "1", "1 2 30 30 0 0 0 0 0 0 ",
                "2--Demonstration/2_Demonstration_bad.jpg", "2", "5 5 30 30 0 0 0 0 0 0 ",
                "5 5 thirty 30 0 0 0 0 0 0 ",
                "2--Demonstration/2_Demonstration_zero.jpg", "2", "0 0 0 30 0 0 0 0 0 0 ", "4 4 20 20 0 0 0 0 0 0 ",
                "2--Demonstration/2_Demonstration_count.jpg", "many", "1 1 1 1",
                "2--Demonstration/2_Demonstration_short.jpg", "3", "4 4 20 20 0 0 0 0 0 0 ") + "\n");
        Files.writeString(root.resolve("wider_face_split/wider_face_val_bbx_gt.txt"),
                "0--Parade/0_Parade_Parade_0_275.jpg\n1\n7 8 40 50 0 1 1 0 2 1 \n");
        for (String n : List.of("0--Parade/0_Parade_marchingband_1_849.jpg", "0--Parade/0_Parade_Parade_0_904.jpg",
                "1--Handshaking/1_Handshaking_Handshaking_1_35.jpg", "2--Demonstration/2_Demonstration_bad.jpg",
                "2--Demonstration/2_Demonstration_zero.jpg", "2--Demonstration/2_Demonstration_count.jpg",
                "2--Demonstration/2_Demonstration_short.jpg")) {
            image(root, "train", n);
        }
        image(root, "val", "0--Parade/0_Parade_Parade_0_275.jpg");

        DetectionSet set = DetectionKind.WIDER.load(root, DetectionKind.DEFAULT_MIN_SIZE);
        List<String> ids = set.samples().stream().map(DetectionSample::id).toList();
        assertEquals(List.of("0--Parade/0_Parade_marchingband_1_849.jpg", "0--Parade/0_Parade_Parade_0_904.jpg",
                "1--Handshaking/1_Handshaking_Handshaking_1_35.jpg", "2--Demonstration/2_Demonstration_zero.jpg",
                "0--Parade/0_Parade_Parade_0_275.jpg"), ids);

        DetectionSample first = set.samples().get(0);
        assertEquals(new Box(449, 330, 122, 149), first.faces().get(0).box());
        assertEquals("0--Parade", first.event());
        assertEquals(Split.TRAIN, first.split());
        assertEquals(root.resolve("WIDER_train/images/0--Parade/0_Parade_marchingband_1_849.jpg"), first.image());

        DetectionSample three = set.samples().get(1);
        assertEquals(3, three.faces().size());
        assertEquals(1, three.scoredFaces());
        assertEquals(2, three.faces().get(0).attributes().get("blur"));
        assertEquals(1, three.faces().get(0).attributes().get("occlusion"));
        assertTrue(three.faces().get(1).ignored() && three.faces().get(2).ignored());
        assertNull(three.faces().get(0).landmarks());

        assertEquals(0, set.samples().get(2).faces().size(), "the all-zero line of an image without faces");
        assertEquals(1, set.samples().get(3).faces().size(), "the zero-width box dropped, the other kept");
        DetectionSample val = set.samples().get(4);
        assertEquals(Split.VAL, val.split());
        assertEquals(1, val.faces().get(0).attributes().get("pose"));

        LoadReport r = set.report();
        assertEquals(5, r.used());
        assertEquals(1, r.skipped().get("image missing"));
        assertEquals(List.of("WIDER_train/images/1--Handshaking/1_Handshaking_missing.jpg"), r.examples().get("image missing"));
        assertEquals(1, r.skipped().get("face line is not 'x y w h' and 6 attribute numbers"));
        assertEquals(1, r.skipped().get("face count is not a number"));
        assertEquals(1, r.skipped().get("entry cut short (fewer face lines than its count)"));
        assertEquals(1, r.skipped().get("box of zero or negative width or height (dropped)"));
        assertEquals(1, r.skipped().get("box smaller than 12 px (kept as an ignored region)"));
        assertEquals(1, r.skipped().get("box marked invalid (kept as an ignored region)"));
        assertEquals(List.of("0--Parade/0_Parade_Parade_0_904.jpg face 3"),
                r.examples().get("box marked invalid (kept as an ignored region)"));
        assertEquals(7, r.skipped().size(), r.summary());
        assertTrue(r.summary().startsWith("wider " + root + ": 5 used, 7 skipped"), r.summary());
    }

    @Test
    void aFolderWithoutTheAnnotationsIsAClearError() throws Exception {
        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> DetectionKind.WIDER.load(tmp, DetectionKind.DEFAULT_MIN_SIZE));
        assertTrue(e.getMessage().contains("wider_face_split/wider_face_train_bbx_gt.txt")
                && e.getMessage().contains("WIDER_train/images/"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DetectionKind.of("fddb"));
        assertEquals(DetectionKind.WIDER, DetectionKind.of("WIDER"));
        assertEquals(new DetectionKind.Source(DetectionKind.CELEBA, Path.of("/data/CelebA")),
                DetectionKind.parse("celeba:/data/CelebA"));
        IllegalArgumentException noKind = assertThrows(IllegalArgumentException.class,
                () -> DetectionKind.parse("/data/WIDER"));
        assertTrue(noKind.getMessage().contains("give KIND:PATH"), noKind.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DetectionKind.parse("wider:"));
    }
}

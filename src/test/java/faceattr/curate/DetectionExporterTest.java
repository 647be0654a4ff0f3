package faceattr.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.data.Split;
import faceattr.data.detection.DetectionKind;
import faceattr.data.detection.DetectionSample;
import faceattr.data.detection.DetectionSet;
import faceattr.detect.Box;
import faceattr.detect.Landmarks;
import faceattr.labels.LabelSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --format wider} read back with the WIDER loader: confirmed faces are faces, "not a
 * face" boxes come back as the image's hard negatives, unreviewed faces are ignored regions with
 * {@code reviewedOnly}, every fifth image validates, JPEGs are copied byte for byte.
 */
class DetectionExporterTest {
    @TempDir
    Path tmp;

    private static final Landmarks POINTS = new Landmarks(new double[] {10, 10, 20, 10, 15, 15, 11, 20, 19, 20});

    private static ExportFace face(Path image, int n, Box box, boolean reviewed, boolean notAFace) {
        return new ExportFace(image.toString(), n, box, POINTS, LabelSet.NONE, reviewed, notAFace, "");
    }

    @Test
    void readsBackFacesHardNegativesAndIgnoredRegions() throws Exception {
        Path astronaut = Path.of("sample-data/astronaut.png").toAbsolutePath();
        Path jpeg = tmp.resolve("photos/street scene.jpg");
        faceattr.data.DatasetFixtures.jpg(jpeg, new java.awt.image.BufferedImage(80, 60,
                java.awt.image.BufferedImage.TYPE_INT_RGB));
        List<ExportFace> faces = new ArrayList<>();
        faces.add(face(astronaut, 1, new Box(178.19, 60.05, 89.31, 112.66), true, false));   // confirmed
        faces.add(face(astronaut, 2, new Box(20.4, 300.6, 40, 40), true, true));              // not a face
        faces.add(face(astronaut, 3, new Box(400, 400, 30, 30), false, false));               // nobody looked
        faces.add(face(jpeg, 1, new Box(5, 5, 20, 20), true, true));                          // only a negative
        for (int i = 0; i < 3; i++) { // more images, so that the fifth goes to val
            Path p = tmp.resolve("photos/extra" + i + ".jpg");
            faceattr.data.DatasetFixtures.jpg(p, new java.awt.image.BufferedImage(40, 40,
                    java.awt.image.BufferedImage.TYPE_INT_RGB));
            faces.add(face(p, 1, new Box(1, 1, 30, 30), true, false));
        }
        faces.add(face(tmp.resolve("photos/gone.jpg"), 1, new Box(1, 1, 30, 30), true, false));

        Path out = tmp.resolve("wider");
        DetectionExporter.Result r = DetectionExporter.export(faces, out, true, false, Progress.NONE);
        assertEquals(5, r.images());
        assertEquals(2, r.hardNegatives());
        assertEquals(1, r.ignored());
        assertEquals(4, r.report().used());
        assertEquals(1, r.report().skipped().get("source image missing"));
        assertTrue(r.summary().contains("4 faces exported") && r.summary().contains("2 hard negatives"), r.summary());

        DetectionSet set = DetectionKind.WIDER.load(out, DetectionKind.DEFAULT_MIN_SIZE);
        assertEquals(0, set.report().skippedTotal() - countIgnored(set), set.report().summary());
        assertEquals(5, set.samples().size());
        DetectionSample first = set.samples().get(0);
        assertEquals("0--Reviewed/0_Reviewed_astronaut_1.png", first.id());
        assertEquals(Split.TRAIN, first.split());
        assertEquals(2, first.faces().size());
        assertEquals(new Box(178, 60, 90, 113), first.faces().get(0).box(), "each edge rounded: 267.5 and 172.71 end it");
        assertFalse(first.faces().get(0).ignored());
        assertEquals(10.0, first.faces().get(0).landmarks().x(0), 1e-9, "the landmarks come back with their face");
        assertEquals(20.0, first.faces().get(0).landmarks().y(4), 1e-9);
        assertTrue(first.faces().get(1).ignored(), "not reviewed: an ignored region, not a negative");
        assertEquals(List.of(new Box(20, 301, 40, 40)), first.hardNegatives());
        DetectionSample negativesOnly = set.samples().get(1);
        assertEquals(0, negativesOnly.faces().size());
        assertEquals(List.of(new Box(5, 5, 20, 20)), negativesOnly.hardNegatives());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(jpeg), Files.readAllBytes(negativesOnly.image())),
                "a JPEG is copied, not re-encoded");
        assertEquals(Split.VAL, set.samples().stream().filter(s -> s.id().endsWith("_5.jpg")).findFirst().orElseThrow()
                .split(), "the fifth image validates");

        // An earlier export is replaced only when asked; a folder of other things never.
        FaceAttrException exists = assertThrows(FaceAttrException.class,
                () -> DetectionExporter.export(faces, out, true, false, Progress.NONE));
        assertTrue(exists.getMessage().contains("exists and is not empty"), exists.getMessage());
        DetectionExporter.export(faces, out, false, true, Progress.NONE);
        assertFalse(DetectionKind.WIDER.load(out, 12).samples().get(0).faces().get(1).ignored(),
                "without reviewedOnly every face is a face");
        Files.writeString(Files.createDirectories(tmp.resolve("mine")).resolve("notes.txt"), "keep");
        assertThrows(FaceAttrException.class,
                () -> DetectionExporter.export(faces, tmp.resolve("mine"), false, true, Progress.NONE));
        assertTrue(Files.exists(tmp.resolve("mine/notes.txt")));
    }

    /** The ignored-region rows the loader reports (not reviewed faces are written as invalid). */
    private static int countIgnored(DetectionSet set) {
        return set.report().skipped().entrySet().stream().filter(e -> e.getKey().contains("ignored region"))
                .mapToInt(java.util.Map.Entry::getValue).sum();
    }
}

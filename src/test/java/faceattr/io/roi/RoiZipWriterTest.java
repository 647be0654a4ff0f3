package faceattr.io.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import ij.gui.Roi;
import ij.io.RoiDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoiZipWriterTest {
    @TempDir
    Path dir;

    /** Reads a zip as ImageJ's ROI Manager does: each entry through ImageJ's RoiDecoder. */
    private static List<Map.Entry<String, Roi>> openWithImageJ(Path zip) throws IOException {
        List<Map.Entry<String, Roi>> rois = new ArrayList<>();
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(zf.entries())) {
                byte[] bytes = zf.getInputStream(e).readAllBytes();
                rois.add(Map.entry(e.getName(), new RoiDecoder(bytes, e.getName()).getRoi()));
            }
        }
        return rois;
    }

    @Test
    void imageJReadsTheSetBackInOrder() throws Exception {
        List<RectRoi> written = List.of(
                RectRoi.of("s2-face-1", 10.5, 20.25, 30, 40).atPosition(2)
                        .withProperties(Map.of("score", "0.99", "faceattr_image", "stack.tif")),
                RectRoi.of("face", 0, 0, 5, 5).atHyperstackPosition(0, 3, 4),
                RectRoi.of("face", 1, 1, 2, 2),
                RectRoi.of("", 7, 8, 9, 10),
                RectRoi.of("face", 3, 3, 0, 0).withProperties(Map.of("gender", "male")));
        Path zip = dir.resolve("out/rois/photo.zip"); // folders are created
        RoiZipWriter.write(zip, written);

        List<Map.Entry<String, Roi>> read = openWithImageJ(zip);
        assertEquals(List.of("s2-face-1.roi", "face.roi", "face-2.roi", "roi.roi", "face-3.roi"),
                read.stream().map(Map.Entry::getKey).toList());
        assertEquals(List.of("s2-face-1", "face", "face", "roi", "face"),
                read.stream().map(e -> e.getValue().getName()).toList());
        Roi first = read.get(0).getValue();
        assertEquals(new java.awt.geom.Rectangle2D.Double(10.5, 20.25, 30, 40), first.getFloatBounds());
        assertEquals(2, first.getPosition());
        assertEquals("0.99", first.getProperty("score"));
        assertEquals("stack.tif", first.getProperty("faceattr_image"));
        Roi second = read.get(1).getValue();
        assertEquals(List.of(0, 0, 3, 4), List.of(second.getPosition(), second.getCPosition(),
                second.getZPosition(), second.getTPosition()));
        assertEquals(0, read.get(2).getValue().getPosition());
        assertEquals(null, read.get(2).getValue().getProperties());
        assertEquals(new java.awt.geom.Rectangle2D.Double(3, 3, 0, 0), read.get(4).getValue().getFloatBounds());
        assertEquals("male", read.get(4).getValue().getProperty("gender"));
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            for (int i = 0; i < written.size(); i++) {
                ZipEntry e = zf.getEntry(read.get(i).getKey());
                assertArrayEquals(RectRoiEncoder.encode(written.get(i)), zf.getInputStream(e).readAllBytes());
            }
        }
    }

    @Test
    void replacesAnEarlierSetAndLeavesNoTemporaryFile() throws Exception {
        Path zip = dir.resolve("rois.zip");
        RoiZipWriter.write(zip, List.of(RectRoi.of("a", 0, 0, 1, 1), RectRoi.of("b", 0, 0, 1, 1)));
        RoiZipWriter.write(zip, List.of(RectRoi.of("c", 0, 0, 1, 1)));
        assertEquals(List.of("c.roi"), openWithImageJ(zip).stream().map(Map.Entry::getKey).toList());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(zip), files.toList());
        }
        RoiZipWriter.write(zip, List.of());
        assertEquals(List.of(), openWithImageJ(zip));
    }

    @Test
    void aFolderThatCannotBeMadeNamesTheFile() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain.txt"), "not a folder");
        Path zip = notAFolder.resolve("rois/photo.zip");
        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> RoiZipWriter.write(zip, List.of(RectRoi.of("a", 0, 0, 1, 1))));
        assertEquals(zip, e.file());
        assertTrue(e.getMessage().startsWith(zip + ": cannot write the ROI set ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("); choose a writable output folder"), e.getMessage());
        assertEquals("not a folder", Files.readString(notAFolder));
    }
}

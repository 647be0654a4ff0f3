package faceattr.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MAT 5 files written by scipy.io.savemat (compressed; src/test/python/wider-mat-fixture/make_fixture.py)
 * in the layout of WIDER FACE's evaluation lists: nested cells of strings and of double arrays.
 */
class MatFileTest {
    static final Path FIXTURES = Path.of("src/test/resources/faceattr/wider-mat");

    @TempDir
    Path tmp;

    @Test
    void readsNestedCellsStringsAndNumbers() throws Exception {
        Map<String, Object> m = MatFile.read(FIXTURES.resolve("wider_medium_val.mat"));
        assertEquals(java.util.List.of("event_list", "file_list", "face_bbx_list", "gt_list"),
                java.util.List.copyOf(m.keySet()));
        MatFile.Cell events = (MatFile.Cell) m.get("event_list");
        assertArrayEquals(new int[] {2, 1}, events.dims());
        assertEquals("1--Handshaking", events.get(1));
        MatFile.Cell parade = (MatFile.Cell) ((MatFile.Cell) m.get("file_list")).get(0);
        assertEquals("0_Parade_scene_1", parade.get(1));
        MatFile.Numeric keep = (MatFile.Numeric) ((MatFile.Cell) ((MatFile.Cell) m.get("gt_list")).get(1)).get(0);
        assertArrayEquals(new double[] {1, 2}, keep.data());
        MatFile.Numeric boxes = (MatFile.Numeric) ((MatFile.Cell) ((MatFile.Cell) m.get("face_bbx_list")).get(0))
                .get(0);
        assertArrayEquals(new int[] {3, 4}, boxes.dims());
        // column-major: the x of the three boxes first
        assertArrayEquals(new double[] {10, 200, 300, 10, 40, 300, 80, 30, 10, 90, 34, 12}, boxes.data());
    }

    @Test
    void damagedAndHdf5FilesAreNamed() throws Exception {
        byte[] good = Files.readAllBytes(FIXTURES.resolve("wider_easy_val.mat"));
        Path cut = tmp.resolve("cut.mat");
        Files.write(cut, Arrays.copyOf(good, good.length - 40));
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> MatFile.read(cut));
        assertTrue(e.getMessage().contains("cut.mat") && e.getMessage().contains("damaged"), e.getMessage());
        byte[] v73 = good.clone();
        byte[] head = "MATLAB 7.3 MAT-file".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, v73, 0, head.length);
        Path hdf = tmp.resolve("v73.mat");
        Files.write(hdf, v73);
        FaceAttrException h = assertThrows(FaceAttrException.class, () -> MatFile.read(hdf));
        assertTrue(h.getMessage().contains("MAT 7.3 (HDF5)"), h.getMessage());
        Path tiny = tmp.resolve("tiny.mat");
        Files.write(tiny, new byte[10]);
        assertThrows(FaceAttrException.class, () -> MatFile.read(tiny));
    }
}

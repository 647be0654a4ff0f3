package faceattr.ij;

import faceattr.core.FaceAttrException;
import faceattr.io.AtomicFiles;
import ij.gui.Roi;
import ij.io.RoiEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes ROI sets as ImageJ's ROI Manager saves them (a zip of {@code .roi} files, opened by
 * File &gt; Open or {@code roiManager("open", path)}), atomically. Needs no display.
 */
public final class RoiZip {

    private RoiZip() {
    }

    /**
     * @param file the zip to write (replaced atomically)
     * @param rois the ROIs, in order; their names become the entry names
     * @throws FaceAttrException when the file cannot be written
     */
    public static void write(Path file, List<Roi> rois) throws FaceAttrException {
        try {
            AtomicFiles.write(file, tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
                    Set<String> used = new HashSet<>();
                    for (Roi roi : rois) {
                        String base = roi.getName() == null ? "roi" : roi.getName();
                        String name = base;
                        for (int k = 2; !used.add(name); k++) {
                            name = base + "-" + k;
                        }
                        zip.putNextEntry(new ZipEntry(name + ".roi"));
                        zip.write(RoiEncoder.saveAsByteArray(roi));
                        zip.closeEntry();
                    }
                }
            });
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot write the ROI set (" + e.getMessage()
                    + "); choose a writable output folder", e);
        }
    }
}

package faceattr.io.roi;

import faceattr.core.FaceAttrException;
import faceattr.io.AtomicFiles;
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
 * Writes ROI sets as ImageJ's ROI Manager saves them: a zip of {@code <name>.roi} entries, opened
 * by File &gt; Open or {@code roiManager("open", path)}. Needs neither ImageJ nor a display.
 */
public final class RoiZipWriter {

    private RoiZipWriter() {
    }

    /**
     * Writes the zip atomically ({@link AtomicFiles}): a reader sees the previous file or the
     * complete new one. Entries keep the order of the list; a name already used gets {@code -2},
     * {@code -3}, ... appended, and an empty name is written as {@code roi}.
     *
     * @param zip the file to write (replaced; missing folders are created)
     * @param rois the ROIs, in order
     * @throws FaceAttrException when the file cannot be written
     */
    public static void write(Path zip, List<RectRoi> rois) throws FaceAttrException {
        try {
            AtomicFiles.write(zip, tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zout = new ZipOutputStream(out)) {
                    Set<String> used = new HashSet<>();
                    for (RectRoi roi : rois) {
                        String base = roi.name().isEmpty() ? "roi" : roi.name();
                        String name = base;
                        for (int k = 2; !used.add(name); k++) {
                            name = base + "-" + k;
                        }
                        zout.putNextEntry(new ZipEntry(name + ".roi"));
                        zout.write(RectRoiEncoder.encode(roi));
                        zout.closeEntry();
                    }
                }
            });
        } catch (IOException e) {
            throw new FaceAttrException(zip, "cannot write the ROI set (" + e.getMessage()
                    + "); choose a writable output folder", e);
        }
    }
}

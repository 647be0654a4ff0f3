package faceattr.curate;

import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.data.LoadReport;
import faceattr.data.detection.DetectionKind;
import faceattr.detect.Box;
import faceattr.io.AtomicFiles;
import faceattr.io.ImageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes reviewed images as a WIDER FACE detection set ({@code faceattr export --format wider},
 * docs/export.md), so that the faces a person confirmed or drew by hand teach the detector:
 * <ul>
 *   <li>each source image once, under {@code WIDER_train/images/0--Reviewed/} (every fifth image
 *       under {@code WIDER_val/}), JPEG files copied byte for byte, others written as PNG;</li>
 *   <li>{@code wider_face_split/wider_face_{train,val}_bbx_gt.txt}: every face as
 *       {@code x y w h 0 0 0 invalid 0 0}; with {@code reviewedOnly}, a face nobody reviewed is
 *       written with {@code invalid = 1}, an ignored region, since it may well be a face;</li>
 *   <li>the faces' 5 landmarks: {@code wider_face_split/faceattr_landmarks_{train,val}.txt}, each
 *       face's box then its 10 numbers, which the loader attaches to the face of that box (O-Net's
 *       landmark loss, the landmark error of eval-detector);</li>
 *   <li>boxes marked "not a face": {@code wider_face_split/faceattr_hard_negatives_{train,val}.txt},
 *       in the same entry layout, which WIDER's own tools do not read and our loader attaches to
 *       each image as hard negatives the trainer samples on purpose.</li>
 * </ul>
 * Written into a hidden folder and renamed into place, as the other exports.
 */
public final class DetectionExporter {
    /** The event folder of exported images. */
    public static final String EVENT = "0--Reviewed";

    /**
     * What an export wrote.
     *
     * @param report faces written ({@code used}) and skipped, by reason
     * @param images images written
     * @param hardNegatives "not a face" boxes written as hard negatives
     * @param ignored unreviewed faces written as ignored regions
     */
    public record Result(LoadReport report, int images, int hardNegatives, int ignored) {
        /** @return a few lines for the user */
        public String summary() {
            return report.summary().replaceFirst(": (\\d+) used", ": $1 faces exported") + String.format(Locale.ROOT,
                    "%n  %d images, %d hard negatives (marked not a face), %d ignored regions (not reviewed)", images,
                    hardNegatives, ignored);
        }
    }

    private DetectionExporter() {
    }

    /**
     * @param faces the faces of the images to export (all of them; "not a face" ones included)
     * @param out the dataset folder to create
     * @param reviewedOnly write faces nobody reviewed as ignored regions rather than faces
     * @param overwrite replace an earlier export in {@code out}
     * @param progress progress and cancellation (a cancelled export leaves nothing behind)
     * @return what was written
     * @throws FaceAttrException when the target exists (without overwrite), nothing can be exported,
     *     or the folder cannot be written
     */
    public static Result export(List<ExportFace> faces, Path out, boolean reviewedOnly, boolean overwrite,
            Progress progress) throws FaceAttrException {
        DatasetExporter.checkTarget(out, overwrite);
        Map<String, List<ExportFace>> byImage = new LinkedHashMap<>();
        faces.forEach(f -> byImage.computeIfAbsent(f.image(), k -> new ArrayList<>()).add(f));
        if (byImage.isEmpty()) {
            throw new FaceAttrException(out, "no face to export; nothing was written", null);
        }
        LoadReport.Builder report = new LoadReport.Builder("wider export " + out);
        int[] counts = new int[3]; // images, hard negatives, ignored
        try {
            AtomicFiles.replaceDirectory(out, tmp -> write(byImage, tmp, reviewedOnly, report, counts, progress));
        } catch (IOException e) {
            throw new FaceAttrException(out, "cannot write the export (" + e.getMessage() + "); nothing was changed", e);
        }
        if (counts[0] == 0) {
            // replaceDirectory has put an empty set in place; an export without images is no export
            throw new FaceAttrException(out, "no image could be read (" + report.build().summary().replace('\n', ';')
                    + ")", null);
        }
        return new Result(report.build(), counts[0], counts[1], counts[2]);
    }

    private static void write(Map<String, List<ExportFace>> byImage, Path dir, boolean reviewedOnly,
            LoadReport.Builder report, int[] counts, Progress progress) throws IOException {
        StringBuilder[] gt = {new StringBuilder(), new StringBuilder()};
        StringBuilder[] negatives = {new StringBuilder(), new StringBuilder()};
        StringBuilder[] points = {new StringBuilder(), new StringBuilder()};
        int n = 0;
        int done = 0;
        for (Map.Entry<String, List<ExportFace>> e : byImage.entrySet()) {
            progress.checkCancelled();
            progress.report(done++ / (double) byImage.size(), "exporting " + e.getKey());
            Path source = Path.of(e.getKey());
            String ext;
            if (!Files.isRegularFile(source)) {
                skipAll(e.getValue(), "source image missing", report);
                continue;
            }
            try {
                ImageFiles.read(source); // unreadable images are reported, not copied
            } catch (FaceAttrException ex) {
                skipAll(e.getValue(), "source image unreadable", report);
                continue;
            }
            n++;
            int split = n % 5 == 0 ? 1 : 0;
            String fileName = source.getFileName().toString();
            String lower = fileName.toLowerCase(Locale.ROOT);
            boolean jpeg = lower.endsWith(".jpg") || lower.endsWith(".jpeg");
            ext = jpeg ? ".jpg" : ".png";
            String stem = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
            String name = EVENT + "/" + String.format(Locale.ROOT, "0_Reviewed_%s_%d", stem.replaceAll("[^A-Za-z0-9_-]",
                    "_"), n) + ext;
            Path target = dir.resolve((split == 1 ? "WIDER_val" : "WIDER_train") + "/images/" + name);
            Files.createDirectories(target.getParent());
            if (jpeg) {
                Files.copy(source, target);
            } else {
                try {
                    ImageFiles.writePng(ImageFiles.read(source), target);
                } catch (FaceAttrException ex) {
                    throw new IOException(ex.getMessage(), ex);
                }
            }
            counts[0]++;
            List<String> faceLines = new ArrayList<>();
            List<String> landmarkLines = new ArrayList<>();
            List<String> negativeLines = new ArrayList<>();
            for (ExportFace f : e.getValue()) {
                String where = f.image() + " face " + f.face();
                if (f.box() == null || !(f.box().width() > 0 && f.box().height() > 0)) {
                    report.skip("no box", where);
                    continue;
                }
                if (f.notAFace()) {
                    negativeLines.add(line(f.box(), null));
                    counts[1]++;
                    continue;
                }
                boolean ignore = reviewedOnly && !f.reviewed();
                faceLines.add(line(f.box(), ignore));
                StringBuilder lm = new StringBuilder(line(f.box(), null));
                for (double v : f.landmarks().toArray()) {
                    lm.append(' ').append(String.format(Locale.ROOT, "%.2f", v));
                }
                landmarkLines.add(lm.toString());
                if (ignore) {
                    counts[2]++;
                } else {
                    report.used();
                }
            }
            entry(gt[split], name, faceLines, true);
            if (!landmarkLines.isEmpty()) {
                entry(points[split], name, landmarkLines, false);
            }
            if (!negativeLines.isEmpty()) {
                entry(negatives[split], name, negativeLines, false);
            }
        }
        Path splitDir = Files.createDirectories(dir.resolve("wider_face_split"));
        String[] names = {"train", "val"};
        for (int s = 0; s < 2; s++) {
            Files.writeString(splitDir.resolve("wider_face_" + names[s] + "_bbx_gt.txt"), gt[s], StandardCharsets.UTF_8);
            if (points[s].length() > 0) {
                Files.writeString(splitDir.resolve(DetectionKind.landmarksFile(names[s])), points[s],
                        StandardCharsets.UTF_8);
            }
            if (negatives[s].length() > 0) {
                Files.writeString(splitDir.resolve(DetectionKind.hardNegativesFile(names[s])), negatives[s],
                        StandardCharsets.UTF_8);
            }
        }
    }

    private static void skipAll(List<ExportFace> faces, String reason, LoadReport.Builder report) {
        for (ExportFace f : faces) {
            report.skip(reason, f.image() + " face " + f.face());
        }
    }

    /** WIDER's entry: the image, the count, the lines; an image without faces gets its all-zero line. */
    private static void entry(StringBuilder sb, String name, List<String> lines, boolean zeroLine) {
        sb.append(name).append('\n').append(lines.size()).append('\n');
        if (lines.isEmpty() && zeroLine) {
            sb.append("0 0 0 0 0 0 0 0 0 0 \n");
        }
        lines.forEach(l -> sb.append(l).append('\n'));
    }

    /** @return WIDER's face line in whole pixels (each edge rounded), or "x y w h" for a negative */
    private static String line(Box b, Boolean invalid) {
        long x = Math.round(b.x());
        long y = Math.round(b.y());
        long w = Math.max(1, Math.round(b.x2()) - x);
        long h = Math.max(1, Math.round(b.y2()) - y);
        return invalid == null ? x + " " + y + " " + w + " " + h
                : x + " " + y + " " + w + " " + h + " 0 0 0 " + (invalid ? 1 : 0) + " 0 0 ";
    }
}

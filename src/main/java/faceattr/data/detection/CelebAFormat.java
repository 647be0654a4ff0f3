package faceattr.data.detection;

import faceattr.align.AlignmentTemplate;
import faceattr.core.FaceAttrException;
import faceattr.data.LoadReport;
import faceattr.data.Split;
import faceattr.detect.Box;
import faceattr.detect.Landmarks;
import faceattr.image.SimilarityTransform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CelebA's face boxes and 5 landmarks, for the detector's box and landmark regression
 * (docs/detection-training.md). Files as distributed, in the folder itself or in its
 * {@code Anno/}, {@code Eval/} and {@code Img/} sub-folders:
 * <ul>
 *   <li>in the wild: {@code list_bbox_celeba.txt} ({@code image_id x_1 y_1 width height}) and
 *       {@code list_landmarks_celeba.txt} ({@code lefteye_x lefteye_y righteye_x righteye_y nose_x
 *       nose_y leftmouth_x leftmouth_y rightmouth_x rightmouth_y}) with the photos in
 *       {@code img_celeba/};</li>
 *   <li>aligned: {@code list_landmarks_align_celeba.txt} with the 178 x 218 crops in
 *       {@code img_align_celeba/}; these have no boxes, so a face's box is the square that the
 *       alignment template's 112 px crop covers when fitted to its landmarks (the face region the
 *       attribute network sees);</li>
 * </ul>
 * each file a count line, a header line, then one line per image. {@code list_eval_partition.txt}
 * ({@code 000001.jpg 0}: 0 train, 1 validation, 2 test) gives the split when present (test counts as
 * validation), else every image trains. The wild set is used when its files are there, else the
 * aligned one. CelebA annotates one face per photo, so its samples are not exhaustive: they teach
 * boxes and landmarks, never negatives.
 */
final class CelebAFormat {
    static final String BBOX = "list_bbox_celeba.txt";
    static final String LANDMARKS = "list_landmarks_celeba.txt";
    static final String LANDMARKS_ALIGN = "list_landmarks_align_celeba.txt";
    static final String PARTITION = "list_eval_partition.txt";

    private CelebAFormat() {
    }

    /** @return the file in the folder or one of CelebA's sub-folders, or null */
    private static Path find(Path root, String name) {
        for (Path p : List.of(root.resolve(name), root.resolve("Anno").resolve(name), root.resolve("Eval").resolve(name),
                root.resolve("Img").resolve(name))) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    static DetectionSet load(Path root, double minSize) throws FaceAttrException {
        Path bbox = find(root, BBOX);
        Path landmarks = find(root, LANDMARKS);
        Path wildImages = find(root, "img_celeba");
        Path alignLandmarks = find(root, LANDMARKS_ALIGN);
        Path alignImages = find(root, "img_align_celeba");
        boolean wild = bbox != null && landmarks != null && wildImages != null;
        if (!wild && (alignLandmarks == null || alignImages == null)) {
            throw new FaceAttrException(root, "no CelebA set here: --data celeba:PATH needs " + BBOX + ", " + LANDMARKS
                    + " and img_celeba/ (in the wild), or " + LANDMARKS_ALIGN + " and img_align_celeba/ (aligned), "
                    + "in the folder or its Anno/, Eval/ and Img/ sub-folders", null);
        }
        LoadReport.Builder report = new LoadReport.Builder("celeba " + (wild ? "" : "aligned ") + root);
        Map<String, Split> splits = partition(find(root, PARTITION), report);
        Map<String, double[]> boxes = wild ? rows(bbox, 4, report) : Map.of();
        Path lmFile = wild ? landmarks : alignLandmarks;
        Path images = wild ? wildImages : alignImages;
        List<DetectionSample> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : rowsInOrder(lmFile, 10, report)) {
            String name = e.getKey();
            Landmarks lm = new Landmarks(e.getValue());
            Box box;
            if (wild) {
                double[] b = boxes.get(name);
                if (b == null) {
                    report.skip("no box in " + BBOX, name);
                    continue;
                }
                if (!(b[2] > 0 && b[3] > 0)) {
                    report.skip("box of zero or negative width or height", name);
                    continue;
                }
                box = new Box(b[0], b[1], b[2], b[3]);
            } else {
                box = boxFromLandmarks(lm);
            }
            Path image = images.resolve(name);
            if (!Files.isRegularFile(image)) {
                report.skip("image missing", images.getFileName() + "/" + name);
                continue;
            }
            boolean ignored = Math.min(box.width(), box.height()) < minSize;
            if (ignored) {
                report.skip(String.format(Locale.ROOT, "box smaller than %s px (kept as an ignored region)",
                        minSize == Math.rint(minSize) ? Long.toString((long) minSize) : Double.toString(minSize)), name);
            }
            out.add(new DetectionSample(image, name, null, splits.getOrDefault(name, Split.TRAIN),
                    List.of(new GroundTruthFace(box, ignored, lm, Map.of())), List.of(), false));
            report.used();
        }
        return new DetectionSet(out, report.build());
    }

    /** @return the square the alignment template's crop covers when fitted to the landmarks */
    static Box boxFromLandmarks(Landmarks lm) {
        AlignmentTemplate t = AlignmentTemplate.forSize(AlignmentTemplate.REFERENCE_SIZE);
        SimilarityTransform toImage = SimilarityTransform.fit(t.toArray(), lm.toArray());
        double s = AlignmentTemplate.REFERENCE_SIZE;
        double[] corners = toImage.applyAll(new double[] {0, 0, s, 0, 0, s, s, s});
        double x1 = Double.POSITIVE_INFINITY;
        double y1 = Double.POSITIVE_INFINITY;
        double x2 = Double.NEGATIVE_INFINITY;
        double y2 = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < corners.length; i += 2) {
            x1 = Math.min(x1, corners[i]);
            x2 = Math.max(x2, corners[i]);
            y1 = Math.min(y1, corners[i + 1]);
            y2 = Math.max(y2, corners[i + 1]);
        }
        return new Box(x1, y1, x2 - x1, y2 - y1);
    }

    private static Map<String, Split> partition(Path file, LoadReport.Builder report) throws FaceAttrException {
        Map<String, Split> out = new HashMap<>();
        if (file == null) {
            return out;
        }
        List<String> lines = read(file);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).strip().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            if (f.length != 2 || !f[1].matches("[012]")) {
                report.skip("partition line is not '<image> 0|1|2'", file.getFileName() + ":" + (i + 1));
                continue;
            }
            out.put(f[0], f[1].equals("0") ? Split.TRAIN : Split.VAL);
        }
        return out;
    }

    private static Map<String, double[]> rows(Path file, int numbers, LoadReport.Builder report)
            throws FaceAttrException {
        Map<String, double[]> out = new HashMap<>();
        for (Map.Entry<String, double[]> e : rowsInOrder(file, numbers, report)) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** CelebA's layout: a count line, a header line, then {@code <image> n1 n2 ...}. */
    private static List<Map.Entry<String, double[]>> rowsInOrder(Path file, int numbers, LoadReport.Builder report)
            throws FaceAttrException {
        List<String> lines = read(file);
        if (lines.size() < 2 || !lines.get(0).strip().matches("\\d+")) {
            throw new FaceAttrException(file, "does not start with CelebA's count line and header; is this "
                    + file.getFileName() + " as distributed?", null);
        }
        List<Map.Entry<String, double[]>> out = new ArrayList<>();
        for (int i = 2; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            double[] v = new double[numbers];
            boolean ok = f.length == numbers + 1;
            for (int k = 0; ok && k < numbers; k++) {
                try {
                    v[k] = Double.parseDouble(f[k + 1]);
                    ok = Double.isFinite(v[k]);
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                report.skip(file.getFileName() + " line is not '<image>' and " + numbers + " numbers",
                        file.getFileName() + ":" + (i + 1));
                continue;
            }
            out.add(Map.entry(f[0], v));
        }
        return out;
    }

    private static List<String> read(Path file) throws FaceAttrException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot read it: " + e.getMessage(), e);
        }
    }
}

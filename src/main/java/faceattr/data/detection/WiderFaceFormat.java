package faceattr.data.detection;

import faceattr.core.FaceAttrException;
import faceattr.data.LoadReport;
import faceattr.data.Split;
import faceattr.detect.Box;
import faceattr.detect.Landmarks;
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
 * WIDER FACE: {@code wider_face_split/wider_face_train_bbx_gt.txt} and
 * {@code wider_face_val_bbx_gt.txt}, each a sequence of entries
 * <pre>
 * 0--Parade/0_Parade_marchingband_1_849.jpg      the image, under WIDER_train/images/ (or WIDER_val)
 * 1                                              how many faces
 * 449 330 122 149 0 0 0 0 0 0                    x y w h blur expression illumination invalid occlusion pose
 * </pre>
 * where an image without faces has the count 0 and one all-zero line. Faces marked invalid, and
 * faces whose shorter side is below the minimum size, are kept as ignored regions. A malformed
 * entry skips that image (all its faces, since a missing face would turn a right detection into
 * a wrong one) and reading resumes at the next line that names an image; a line where an image
 * name was expected is reported and passed over.
 */
final class WiderFaceFormat {
    static final String SPLIT_DIR = "wider_face_split";
    /** The per-face attributes after the box, in the file's order. */
    static final List<String> ATTRIBUTES = List.of("blur", "expression", "illumination", "invalid", "occlusion", "pose");

    private WiderFaceFormat() {
    }

    /**
     * @param file the annotation file's name in {@value #SPLIT_DIR}
     * @param split its split
     * @param images the images folder, relative to the set's root
     */
    private record Part(String file, Split split, String images) {
        String splitName() {
            return split == Split.VAL ? "val" : "train";
        }
    }

    private static final List<Part> PARTS = List.of(
            new Part("wider_face_train_bbx_gt.txt", Split.TRAIN, "WIDER_train/images"),
            new Part("wider_face_val_bbx_gt.txt", Split.VAL, "WIDER_val/images"));

    static DetectionSet load(Path root, double minSize) throws FaceAttrException {
        Path dir = root.resolve(SPLIT_DIR);
        List<Part> present = PARTS.stream().filter(p -> Files.isRegularFile(dir.resolve(p.file()))).toList();
        if (present.isEmpty()) {
            throw new FaceAttrException(root, "no " + SPLIT_DIR + "/" + PARTS.get(0).file() + " or " + PARTS.get(1).file()
                    + " here; --data wider:PATH needs the WIDER FACE folder holding wider_face_split/ and "
                    + "WIDER_train/images/ or WIDER_val/images/", null);
        }
        LoadReport.Builder report = new LoadReport.Builder("wider " + root);
        List<DetectionSample> out = new ArrayList<>();
        for (Part part : present) {
            Path file = dir.resolve(part.file());
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new FaceAttrException(file, "cannot read the annotations: " + e.getMessage(), e);
            }
            Map<String, List<Box>> negatives = hardNegatives(dir, part, report);
            Map<String, List<double[]>> landmarks = sidecar(dir.resolve(DetectionKind.landmarksFile(part.splitName())),
                    14, "landmarks", report);
            int before = out.size();
            new Reader(lines, part, root.resolve(part.images()), minSize, report, out, negatives, landmarks).read();
            for (DetectionSample s : out.subList(before, out.size())) {
                negatives.remove(s.id());
            }
            negatives.forEach((id, boxes) -> report.skip("hard negatives of an image not in the annotations",
                    DetectionKind.hardNegativesFile(part.splitName()) + ": " + id));
        }
        return new DetectionSet(out, report.build(), WiderSubsets.find(root));
    }

    /**
     * Our export's "not a face" boxes, in WIDER's entry layout with {@code x y w h} lines, when
     * the file is there.
     */
    private static Map<String, List<Box>> hardNegatives(Path dir, Part part, LoadReport.Builder report)
            throws FaceAttrException {
        Map<String, List<Box>> out = new LinkedHashMap<>();
        sidecar(dir.resolve(DetectionKind.hardNegativesFile(part.splitName())), 4, "hard negatives", report)
                .forEach((name, rows) -> out.put(name, rows.stream().map(v -> new Box(v[0], v[1], v[2], v[3])).toList()));
        return out;
    }

    /**
     * One of our export's files beside WIDER's annotations, in WIDER's entry layout (the image, a
     * count, then one line of numbers per box, the first four {@code x y w h}), when it is there.
     *
     * @param numbers how many numbers each line holds
     * @param what the file's content, for the skip reason
     * @return per image, its lines' numbers
     */
    private static Map<String, List<double[]>> sidecar(Path file, int numbers, String what, LoadReport.Builder report)
            throws FaceAttrException {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot read the " + what + ": " + e.getMessage(), e);
        }
        int i = 0;
        while (i < lines.size()) {
            String name = lines.get(i++).strip();
            if (name.isEmpty()) {
                continue;
            }
            String where = file.getFileName() + ":" + i;
            int count = -1;
            if (isImageName(name) && i < lines.size()) {
                try {
                    count = Integer.parseInt(lines.get(i).strip());
                } catch (NumberFormatException e) {
                    count = -1;
                }
            }
            List<double[]> rows = new ArrayList<>();
            for (int r = 0; count >= 0 && r < count; r++) {
                double[] v = i + 1 + r < lines.size() ? numbers(lines.get(i + 1 + r)) : null;
                if (v == null || v.length != numbers || !(v[2] > 0 && v[3] > 0)) {
                    count = -1;
                } else {
                    rows.add(v);
                }
            }
            if (count < 0) {
                report.skip(what + " entry malformed (not used for that image)", where + ": " + name);
                while (i < lines.size() && !isImageName(lines.get(i).strip())) {
                    i++;
                }
                continue;
            }
            i += 1 + count;
            out.put(name, rows);
        }
        return out;
    }

    /**
     * @return the landmarks of the sidecar row whose box is this face's (each edge within half a
     *     pixel), or null
     */
    private static Landmarks landmarksOf(Box face, List<double[]> rows) {
        for (double[] v : rows) {
            if (Math.abs(v[0] - face.x()) <= 0.5 && Math.abs(v[1] - face.y()) <= 0.5
                    && Math.abs(v[2] - face.width()) <= 0.5 && Math.abs(v[3] - face.height()) <= 0.5) {
                return new Landmarks(java.util.Arrays.copyOfRange(v, 4, 14));
            }
        }
        return null;
    }

    /** @return whether a line names an image (WIDER's are JPEG; others are accepted too) */
    static boolean isImageName(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        return !l.contains(" ") && (l.endsWith(".jpg") || l.endsWith(".jpeg") || l.endsWith(".png"));
    }

    /** One annotation file, read line by line. */
    private static final class Reader {
        private final List<String> lines;
        private final Part part;
        private final Path images;
        private final double minSize;
        private final LoadReport.Builder report;
        private final List<DetectionSample> out;
        private final Map<String, List<Box>> negatives;
        private final Map<String, List<double[]>> landmarks;
        private int i;

        Reader(List<String> lines, Part part, Path images, double minSize, LoadReport.Builder report,
                List<DetectionSample> out, Map<String, List<Box>> negatives, Map<String, List<double[]>> landmarks) {
            this.lines = lines;
            this.part = part;
            this.images = images;
            this.minSize = minSize;
            this.report = report;
            this.out = out;
            this.negatives = negatives;
            this.landmarks = landmarks;
        }

        private String where(int line) {
            return part.file() + ":" + (line + 1);
        }

        void read() {
            while (i < lines.size()) {
                String name = lines.get(i).strip();
                if (name.isEmpty()) {
                    i++;
                    continue;
                }
                if (!isImageName(name)) {
                    report.skip("line is not an image path where one was expected", where(i) + ": " + name);
                    i++;
                    continue;
                }
                int nameLine = i++;
                entry(name, nameLine);
            }
        }

        /** Moves to the next line that names an image: the rest of a malformed entry is not reported again. */
        private void resync() {
            while (i < lines.size() && !isImageName(lines.get(i).strip())) {
                i++;
            }
        }

        private void entry(String name, int nameLine) {
            if (i >= lines.size()) {
                report.skip("entry cut short (no face count)", where(nameLine) + ": " + name);
                return;
            }
            int count;
            try {
                count = Integer.parseInt(lines.get(i).strip());
            } catch (NumberFormatException e) {
                report.skip("face count is not a number", where(i) + ": " + name);
                resync();
                return;
            }
            if (count < 0) {
                report.skip("face count is negative", where(i) + ": " + name);
                resync();
                return;
            }
            i++;
            List<double[]> rows = new ArrayList<>();
            int rowsToRead = count;
            if (count == 0 && i < lines.size() && allZero(numbers(lines.get(i)))) {
                i++; // the placeholder line of an image without faces
            }
            for (int r = 0; r < rowsToRead; r++) {
                double[] row = i < lines.size() ? numbers(lines.get(i)) : null;
                if (row == null || row.length < 4) {
                    report.skip(i < lines.size() ? "face line is not 'x y w h' and 6 attribute numbers"
                            : "entry cut short (fewer face lines than its count)", where(Math.min(i, lines.size() - 1))
                            + ": " + name);
                    resync();
                    return;
                }
                rows.add(row);
                i++;
            }
            Path image = images.resolve(name);
            if (!Files.isRegularFile(image)) {
                report.skip("image missing", part.images() + "/" + name);
                return;
            }
            List<GroundTruthFace> faces = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                double[] row = rows.get(r);
                String face = name + " face " + (r + 1);
                Map<String, Integer> attrs = new LinkedHashMap<>();
                attrs.put("row", r + 1); // the face's row in the entry, as WIDER's subset lists count them
                for (int a = 0; a < ATTRIBUTES.size() && 4 + a < row.length; a++) {
                    attrs.put(ATTRIBUTES.get(a), (int) row[4 + a]);
                }
                double w = row[2];
                double h = row[3];
                if (!(w > 0 && h > 0)) {
                    report.skip("box of zero or negative width or height (dropped)", face);
                    continue;
                }
                boolean ignored = false;
                if (attrs.getOrDefault("invalid", 0) == 1) {
                    report.skip("box marked invalid (kept as an ignored region)", face);
                    ignored = true;
                } else if (Math.min(w, h) < minSize) {
                    report.skip(String.format(Locale.ROOT, "box smaller than %s px (kept as an ignored region)",
                            trim(minSize)), face);
                    ignored = true;
                }
                Box box = new Box(row[0], row[1], w, h);
                faces.add(new GroundTruthFace(box, ignored, landmarksOf(box, landmarks.getOrDefault(name, List.of())),
                        attrs));
            }
            int slash = name.indexOf('/');
            String event = slash > 0 && name.substring(0, slash).matches("\\d+--.+") ? name.substring(0, slash) : null;
            out.add(new DetectionSample(image, name, event, part.split(), faces, negatives.getOrDefault(name, List.of()),
                    true));
            report.used();
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** @return the numbers of a line, or null when any field is not a number */
    private static double[] numbers(String line) {
        String s = line.strip();
        if (s.isEmpty()) {
            return null;
        }
        String[] f = s.split("\\s+");
        double[] v = new double[f.length];
        for (int k = 0; k < f.length; k++) {
            try {
                v[k] = Double.parseDouble(f[k]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (!Double.isFinite(v[k])) {
                return null;
            }
        }
        return v;
    }

    private static boolean allZero(double[] v) {
        if (v == null) {
            return false;
        }
        for (double d : v) {
            if (d != 0) {
                return false;
            }
        }
        return true;
    }
}

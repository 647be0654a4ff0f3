package faceattr.curate;

import faceattr.core.FaceAttrException;
import faceattr.detect.Box;
import faceattr.detect.Landmarks;
import faceattr.io.Csv;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the faces of an analysis back from its {@code faces.csv} (docs/contracts.md): boxes,
 * landmarks and the attribute columns as labels. Optional columns written by the review step:
 * {@code reviewed} and {@code not_a_face} ({@code true}/{@code false}). Race (7 classes) also gives
 * the 5-class UTKFace race through the grouping of docs/model.md.
 */
public final class FacesCsvReader {
    private FacesCsvReader() {
    }

    /**
     * @param fromDirOrCsv a results folder (its faces.csv) or a CSV file
     * @return the faces, in file order
     * @throws FaceAttrException when the file is missing, lacks a needed column or has a bad value
     */
    public static List<ExportFace> read(Path fromDirOrCsv) throws FaceAttrException {
        Path csv = Files.isDirectory(fromDirOrCsv) ? fromDirOrCsv.resolve("faces.csv") : fromDirOrCsv;
        if (!Files.isRegularFile(csv)) {
            throw new FaceAttrException(csv, "no faces.csv here; give the --out folder of 'faceattr analyze' or its "
                    + "faces.csv", null);
        }
        List<Csv.Row> rows = Csv.read(csv);
        if (rows.isEmpty()) {
            throw new FaceAttrException(csv, "the file is empty", null);
        }
        List<String> h = rows.get(0).fields();
        for (String c : List.of("image", "face", "x", "y", "width", "height", "left_eye_x")) {
            if (!h.contains(c)) {
                throw new FaceAttrException(csv, "the column '" + c + "' is missing; this is not a faces.csv of "
                        + "faceattr", null);
            }
        }
        List<ExportFace> out = new ArrayList<>();
        for (Csv.Row r : rows.subList(1, rows.size())) {
            List<String> f = r.fields();
            try {
                if (f.size() != h.size()) {
                    throw new IllegalArgumentException(f.size() + " fields, the header has " + h.size());
                }
                double[] lm = new double[10];
                int k = h.indexOf("left_eye_x");
                for (int i = 0; i < 10; i++) {
                    lm[i] = Double.parseDouble(f.get(k + i));
                }
                Box box = new Box(num(f, h, "x"), num(f, h, "y"), num(f, h, "width"), num(f, h, "height"));
                LabelSet labels = LabelSet.NONE;
                for (Target t : Target.values()) {
                    labels = labels.withText(t, cell(f, h, t.column())); // faces.csv has no race5 column
                }
                labels = labels.completed(Target.RACE5);
                String slice = cell(f, h, "slice");
                if (!slice.isEmpty() && !slice.equals("1")) {
                    throw new IllegalArgumentException("slice " + slice + ": faces of stack slices other than the "
                            + "first cannot be cut from the image file yet; export a single image per file");
                }
                String image = cell(f, h, "image");
                Path p = Path.of(image);
                if (!p.isAbsolute() && !Files.exists(p) && Files.exists(csv.toAbsolutePath().getParent().resolve(p))) {
                    image = csv.toAbsolutePath().getParent().resolve(p).toString(); // relative to the CSV's folder
                }
                out.add(new ExportFace(image, (int) num(f, h, "face"), box, new Landmarks(lm), labels,
                        "true".equals(cell(f, h, "reviewed")), "true".equals(cell(f, h, "not_a_face")),
                        cell(f, h, "model")));
            } catch (IllegalArgumentException e) {
                throw new FaceAttrException(csv, "line " + r.line() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static String cell(List<String> f, List<String> h, String column) {
        int i = h.indexOf(column);
        return i < 0 ? "" : f.get(i).trim();
    }

    private static double num(List<String> f, List<String> h, String column) {
        return Double.parseDouble(cell(f, h, column));
    }

}

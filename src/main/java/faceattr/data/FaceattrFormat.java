package faceattr.data;

import faceattr.core.FaceAttrException;
import faceattr.io.Csv;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Our own export ({@code faceattr export --format faceattr}, "Export Face Dataset"): a folder with
 * {@code labels.csv} and the aligned crops it names. Required columns (any order; more columns,
 * such as provenance, are allowed): {@value #CROP} (path relative to the folder), {@code age}
 * (years), {@code age_group}, {@code gender}, {@code race} (FairFace's 7 classes), {@code race5}
 * (UTKFace's 5) and {@code emotion}, with the product's label names (docs/contracts.md). An empty
 * cell means "no label". An optional {@code split} column ({@code train}/{@code val}) keeps a
 * split; without it the rows are split by {@link Splits}. See docs/datasets.md.
 */
final class FaceattrFormat {
    static final String CSV = "labels.csv";
    static final String CROP = "crop";
    static final List<String> REQUIRED = required();

    private FaceattrFormat() {
    }

    private static List<String> required() {
        List<String> c = new ArrayList<>(List.of(CROP));
        for (Target t : Target.values()) {
            c.add(t.column());
        }
        return List.copyOf(c);
    }

    static Loaded load(Path root) throws FaceAttrException {
        Path csv = root.resolve(CSV);
        if (!Files.isRegularFile(csv)) {
            throw new FaceAttrException(root, "no " + CSV + " here; --data faceattr:PATH needs a folder written by "
                    + "'faceattr export --format faceattr' or Export Face Dataset", null);
        }
        List<Csv.Row> rows = Csv.read(csv);
        List<String> header = rows.isEmpty() ? List.of() : rows.get(0).fields();
        for (String c : REQUIRED) {
            if (!header.contains(c)) {
                throw new FaceAttrException(csv, "the column '" + c + "' is missing; required: "
                        + String.join(",", REQUIRED), null);
            }
        }
        int split = header.indexOf("split");
        LoadReport.Builder report = new LoadReport.Builder("faceattr " + root);
        List<Sample> out = new ArrayList<>();
        for (Csv.Row r : rows.subList(Math.min(1, rows.size()), rows.size())) {
            String where = CSV + " line " + r.line();
            List<String> f = r.fields();
            if (f.size() != header.size()) {
                report.skip("row with " + f.size() + " fields, header has " + header.size(), where);
                continue;
            }
            LabelSet labels = LabelSet.NONE;
            try {
                for (Target t : Target.values()) {
                    labels = labels.withText(t, cell(f, header, t.column()));
                }
            } catch (IllegalArgumentException e) {
                report.skip("invalid label", where + " (" + e.getMessage() + ")");
                continue;
            }
            if (labels.isEmpty()) {
                report.skip("no label at all", where);
                continue;
            }
            String crop = cell(f, header, CROP);
            Path image = root.resolve(crop).normalize();
            if (crop.isEmpty() || !image.startsWith(root.normalize())) {
                report.skip("crop path empty or outside the folder", where);
                continue;
            }
            if (!Files.isRegularFile(image)) {
                report.skip("crop image missing", crop);
                continue;
            }
            Split s = null;
            if (split >= 0) {
                String v = f.get(split).trim();
                s = v.equals("train") ? Split.TRAIN : v.equals("val") ? Split.VAL : null;
            }
            out.add(new Sample(image, crop, labels, true, s, DatasetKind.FACEATTR.key()));
            report.used();
        }
        return new Loaded(out, report.build());
    }

    private static String cell(List<String> f, List<String> header, String column) {
        return f.get(header.indexOf(column)).trim();
    }
}

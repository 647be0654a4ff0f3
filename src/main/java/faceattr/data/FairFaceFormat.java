package faceattr.data;

import faceattr.core.FaceAttrException;
import faceattr.io.Csv;
import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * FairFace: {@code fairface_label_train.csv} and {@code fairface_label_val.csv} in the dataset
 * folder, header {@code file,age,gender,race,service_test}, {@code file} relative to the folder
 * (e.g. {@code train/1.jpg}). Age is one of the 9 groups, gender {@code Male}/{@code Female}, race
 * one of the 7 FairFace classes. Labels: age group, gender, 7-class race. The images are face
 * chips with a 0.25 margin, used as they are (resized). Either CSV may be missing; not both.
 */
final class FairFaceFormat {
    static final String TRAIN_CSV = "fairface_label_train.csv";
    static final String VAL_CSV = "fairface_label_val.csv";
    static final List<String> HEADER = List.of("file", "age", "gender", "race", "service_test");

    private FairFaceFormat() {
    }

    static Loaded load(Path root) throws FaceAttrException {
        Path train = root.resolve(TRAIN_CSV);
        Path val = root.resolve(VAL_CSV);
        if (!Files.isRegularFile(train) && !Files.isRegularFile(val)) {
            throw new FaceAttrException(root, "no " + TRAIN_CSV + " or " + VAL_CSV + " here; --data fairface:PATH "
                    + "needs the folder holding FairFace's label CSVs and its train/ and val/ image folders", null);
        }
        LoadReport.Builder report = new LoadReport.Builder("fairface " + root);
        List<Sample> out = new ArrayList<>();
        for (Path csv : List.of(train, val)) {
            if (!Files.isRegularFile(csv)) {
                continue;
            }
            Split split = csv.equals(train) ? Split.TRAIN : Split.VAL;
            List<Csv.Row> rows = Csv.read(csv);
            if (rows.isEmpty() || !rows.get(0).fields().subList(0, Math.min(4, rows.get(0).fields().size()))
                    .equals(HEADER.subList(0, 4))) {
                throw new FaceAttrException(csv, "expected the header " + String.join(",", HEADER) + ", found "
                        + (rows.isEmpty() ? "an empty file" : String.join(",", rows.get(0).fields())), null);
            }
            String name = csv.getFileName().toString();
            for (Csv.Row r : rows.subList(1, rows.size())) {
                String where = name + " line " + r.line();
                List<String> f = r.fields();
                if (f.size() < 4) {
                    report.skip("row with fewer than 4 fields", where);
                    continue;
                }
                int ageGroup = LabelSpaces.AGE_GROUP.indexOf(f.get(1).trim());
                int gender = LabelSpaces.GENDER_FAIRFACE.indexOf(f.get(2).trim());
                int race = LabelSpaces.RACE_FAIRFACE.indexOf(f.get(3).trim());
                if (ageGroup < 0 || gender < 0 || race < 0) {
                    report.skip("unknown age group, gender or race label", where + " (" + f.get(1) + ", " + f.get(2)
                            + ", " + f.get(3) + ")");
                    continue;
                }
                Path image = root.resolve(f.get(0).trim()).normalize();
                if (!image.startsWith(root.normalize())) {
                    report.skip("file outside the dataset folder", where);
                    continue;
                }
                if (!Files.isRegularFile(image)) {
                    report.skip("image file missing", f.get(0).trim());
                    continue;
                }
                LabelSet labels = LabelSet.NONE.with(Target.AGE_GROUP, ageGroup)
                        .with(Target.GENDER, LabelSpaces.GENDER_FAIRFACE_TO_GENDER.apply(gender))
                        .with(Target.RACE7, race);
                out.add(new Sample(image, f.get(0).trim(), labels, true, split, DatasetKind.FAIRFACE.key()));
                report.used();
            }
        }
        return new Loaded(out, report.build());
    }
}

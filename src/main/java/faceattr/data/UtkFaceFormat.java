package faceattr.data;

import faceattr.core.FaceAttrException;
import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * UTKFace: files named {@code [age]_[gender]_[race]_[yyyymmddHHMMSSFFF].jpg}; the aligned and
 * cropped variant ends {@code .jpg.chip.jpg}. Age 0..116, gender 0 male / 1 female, race 0 White,
 * 1 Black, 2 Asian, 3 Indian, 4 Others. Labels: age, the FairFace age group derived from it,
 * gender and 5-class race. {@code .chip.jpg} files are aligned crops; plain {@code .jpg} files are
 * in-the-wild photos, detected and aligned first. The folder is read recursively.
 */
final class UtkFaceFormat {
    /** The oldest age in UTKFace. */
    static final int MAX_AGE = 116;
    private static final Pattern NAME = Pattern.compile("(\\d+)_(\\d+)_(\\d+)_(\\d+)\\.jpg(\\.chip\\.jpg)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NO_RACE = Pattern.compile("(\\d+)_(\\d+)_(\\d+)\\.jpg(\\.chip\\.jpg)?",
            Pattern.CASE_INSENSITIVE);

    private UtkFaceFormat() {
    }

    static Loaded load(Path root) throws FaceAttrException {
        if (!Files.isDirectory(root)) {
            throw new FaceAttrException(root, "not a folder; --data utkface:PATH needs the folder of UTKFace's "
                    + "jpg files", null);
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new FaceAttrException(root, "cannot list the folder: " + e.getMessage(), e);
        }
        LoadReport.Builder report = new LoadReport.Builder("utkface " + root);
        List<Sample> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            String id = root.relativize(f).toString();
            if (name.startsWith(".")) {
                continue;
            }
            Matcher m = NAME.matcher(name);
            if (!m.matches()) {
                if (NO_RACE.matcher(name).matches()) {
                    report.skip("no race field in the file name", id);
                } else if (name.toLowerCase().endsWith(".jpg")) {
                    report.skip("file name is not [age]_[gender]_[race]_[date].jpg", id);
                } else {
                    report.skip("not a UTKFace image file", id);
                }
                continue;
            }
            int age;
            int gender;
            int race;
            try {
                age = Integer.parseInt(m.group(1));
                gender = Integer.parseInt(m.group(2));
                race = Integer.parseInt(m.group(3));
            } catch (NumberFormatException e) {
                report.skip("number too large in the file name", id);
                continue;
            }
            if (age > MAX_AGE) {
                report.skip("age above " + MAX_AGE, id);
                continue;
            }
            if (!LabelSpaces.GENDER.isIndex(gender)) {
                report.skip("gender code not 0 or 1", id);
                continue;
            }
            if (!LabelSpaces.RACE_UTKFACE.isIndex(race)) {
                report.skip("race code not 0..4", id);
                continue;
            }
            LabelSet labels = LabelSet.NONE.withFollowing(Target.AGE, age)
                    .with(Target.GENDER, LabelSpaces.genderOfUtkFace(gender))
                    .with(Target.RACE5, LabelSpaces.raceOfUtkFace(race));
            out.add(new Sample(f, id, labels, m.group(5) != null, null, DatasetKind.UTKFACE.key()));
            report.used();
        }
        return new Loaded(out, report.build());
    }
}

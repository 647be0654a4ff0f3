package faceattr.data;

import faceattr.core.FaceAttrException;
import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RAF-DB basic emotions: {@code EmoLabel/list_patition_label.txt} (sic) with lines like
 * {@code train_00001.jpg 5}, and the aligned images {@code Image/aligned/train_00001_aligned.jpg}.
 * Labels 1 Surprise, 2 Fear, 3 Disgust, 4 Happiness, 5 Sadness, 6 Anger, 7 Neutral, mapped to the
 * product's emotion order. {@code train_*} files are the training split, {@code test_*} the
 * validation split. The aligned images are used as they are.
 */
final class RafDbFormat {
    static final String LIST = "EmoLabel/list_patition_label.txt";
    static final String ALIGNED = "Image/aligned";

    private RafDbFormat() {
    }

    static Loaded load(Path root) throws FaceAttrException {
        Path list = root.resolve(LIST);
        if (!Files.isRegularFile(list)) {
            throw new FaceAttrException(root, "no " + LIST + " here; --data rafdb:PATH needs RAF-DB's basic folder "
                    + "(EmoLabel/ and Image/aligned/)", null);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(list, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FaceAttrException(list, "cannot read the label list: " + e.getMessage(), e);
        }
        LoadReport.Builder report = new LoadReport.Builder("rafdb " + root);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + (i + 1);
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !parts[0].toLowerCase().endsWith(".jpg")) {
                report.skip("line is not '<name>.jpg <label>'", where + ": " + line);
                continue;
            }
            int label;
            try {
                label = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                report.skip("label is not a number 1..7", where + ": " + line);
                continue;
            }
            if (label < 1 || label > LabelSpaces.EMOTION_RAFDB.size()) {
                report.skip("label is not a number 1..7", where + ": " + line);
                continue;
            }
            String name = parts[0];
            Split split;
            if (name.startsWith("train_")) {
                split = Split.TRAIN;
            } else if (name.startsWith("test_")) {
                split = Split.VAL;
            } else {
                report.skip("name starts with neither train_ nor test_", name);
                continue;
            }
            String stem = name.substring(0, name.length() - 4);
            Path image = root.resolve(ALIGNED).resolve(stem + "_aligned.jpg");
            if (!Files.isRegularFile(image)) {
                report.skip("aligned image missing", ALIGNED + "/" + stem + "_aligned.jpg");
                continue;
            }
            LabelSet labels = LabelSet.NONE.with(Target.EMOTION, LabelSpaces.emotionOfRafDb(label));
            out.add(new Sample(image, name, labels, true, split, DatasetKind.RAFDB.key()));
            report.used();
        }
        return new Loaded(out, report.build());
    }
}

package faceattr.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.analysis.FacesCsv;
import faceattr.labels.LabelSpaces;
import ij.gui.Roi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the packaged ImageJ runs {@code macros/analyze_faces.ijm} and
 * {@code macros/analyze_folder.ijm} with the real detector and the bundled reference estimators.
 */
class AnalyzeFacesMacroIT {
    private static final Path SAMPLE = Paths.get("sample-data/astronaut.png");

    @TempDir
    Path tmp;

    @Test
    void analyzeFacesWritesValidAttributesThatMatchTheRoiProperties() throws Exception {
        Path out = tmp.resolve("out");
        DetectFacesMacroIT.Run run = DetectFacesMacroIT.imagej(Paths.get("macros/analyze_faces.ijm"),
                "image=[" + SAMPLE.toAbsolutePath() + "] out=[" + out + "]", tmp);
        assertTrue(run.output().contains("faceattr: faces=1 roi_count=1"), run.output());
        List<String> lines = Files.readAllLines(out.resolve("faces.csv"), StandardCharsets.UTF_8);
        assertEquals(String.join(",", FacesCsv.ANALYZE_COLUMNS), lines.get(0), "contracts.md columns");
        List<Map<String, String>> rows = DetectFacesMacroIT.csvRows(lines);
        assertEquals(1, rows.size());
        Map<String, String> row = rows.get(0);
        assertValid(row);
        Map<String, Roi> rois = DetectFacesMacroIT.readRoiSet(out.resolve("rois/astronaut.zip"));
        Roi roi = rois.get("face-1");
        for (String c : List.of("age", "age_group_p", "gender_p", "emotion_p")) {
            assertEquals(Double.parseDouble(roi.getProperty(c)), Double.parseDouble(row.get(c)), 1e-3,
                    "ROI property " + c + " equals the Results row");
        }
        for (String c : List.of("age_group", "gender", "emotion", "model")) {
            assertEquals(roi.getProperty(c), row.get(c), "ROI property " + c + " equals the Results row");
        }
        assertNull(roi.getProperty("race"), "the reference estimators have no race output");

        // The engine key: PyTorch, the reference path, gives the same face and attributes.
        Path outPt = tmp.resolve("out-pytorch");
        DetectFacesMacroIT.Run pt = DetectFacesMacroIT.imagej(Paths.get("macros/analyze_faces.ijm"),
                "image=[" + SAMPLE.toAbsolutePath() + "] out=[" + outPt + "] engine=pytorch", tmp);
        assertTrue(pt.output().contains("faceattr: faces=1 roi_count=1"), pt.output());
        Map<String, String> ptRow = DetectFacesMacroIT.csvRows(Files.readAllLines(outPt.resolve("faces.csv"),
                StandardCharsets.UTF_8)).get(0);
        for (String c : List.of("x", "y", "width", "height", "age", "gender_p", "emotion_p")) {
            assertEquals(Double.parseDouble(row.get(c)), Double.parseDouble(ptRow.get(c)), 0.02,
                    c + " on onnxruntime and on pytorch");
        }
        assertEquals(row.get("emotion"), ptRow.get("emotion"));
    }

    @Test
    void analyzeFolderProcessesEveryImage() throws Exception {
        Path out = tmp.resolve("batch");
        DetectFacesMacroIT.Run run = DetectFacesMacroIT.imagej(Paths.get("macros/analyze_folder.ijm"),
                "in=[" + Paths.get("sample-data").toAbsolutePath() + "] out=[" + out + "]", tmp);
        assertTrue(run.output().contains("faceattr: done images=2 faces=1"), run.output());
        List<String> lines = Files.readAllLines(out.resolve("astronaut.csv"), StandardCharsets.UTF_8);
        assertValid(DetectFacesMacroIT.csvRows(lines).get(0));
        assertTrue(Files.exists(out.resolve("rois/astronaut.zip")));
    }

    @Test
    void aMissingModelFolderIsReportedByName() throws Exception {
        Path out = tmp.resolve("bad");
        DetectFacesMacroIT.Run run = DetectFacesMacroIT.imagej(Paths.get("macros/analyze_faces.ijm"),
                "image=[" + SAMPLE.toAbsolutePath() + "] out=[" + out + "] model=[" + tmp.resolve("nowhere") + "]",
                tmp);
        assertTrue(run.output().contains("nowhere") && run.output().contains("no such model folder"), run.output());
    }

    @Test
    void manageFaceModelsListsAndRefusesANonModel() throws Exception {
        Path notAModel = Files.createDirectories(tmp.resolve("not a model"));
        Path macro = tmp.resolve("models.ijm");
        Files.writeString(macro, "run(\"Manage Face Models\", \"action=list\");\n"
                + "run(\"Manage Face Models\", \"action=install folder=[" + notAModel + "]\");\n");
        DetectFacesMacroIT.Run run = DetectFacesMacroIT.imagej(macro, "", tmp);
        assertTrue(run.output().contains("reference: bundled face-api estimators"), run.output());
        assertTrue(run.output().contains("default: reference"), run.output());
        assertTrue(run.output().contains("not a model") && run.output().contains("Manage Face Models:"),
                run.output());
    }

    @Test
    void reviewAndExportMacroWritesADatasetTheTrainerReads() throws Exception {
        Path dataset = tmp.resolve("dataset");
        DetectFacesMacroIT.Run run = DetectFacesMacroIT.imagej(Paths.get("macros/review_and_export.ijm"),
                "image=[" + SAMPLE.toAbsolutePath() + "] dataset=[" + dataset + "] review=false all=true", tmp);
        assertTrue(run.output().contains("faceattr: exported"), run.output());
        assertTrue(run.output().contains("1 exported, 0 skipped"), run.output());
        faceattr.data.Loaded l = faceattr.data.DatasetKind.FACEATTR.load(dataset);
        assertEquals(1, l.samples().size(), l.report().summary());
        assertEquals(LabelSpaces.GENDER.indexOf("female"),
                l.samples().get(0).labels().index(faceattr.labels.Target.GENDER));

        Path reviewedOnly = tmp.resolve("reviewed-only");
        run = DetectFacesMacroIT.imagej(Paths.get("macros/review_and_export.ijm"),
                "image=[" + SAMPLE.toAbsolutePath() + "] dataset=[" + reviewedOnly + "] review=false", tmp);
        assertTrue(run.output().contains("no face to export") && run.output().contains("not reviewed"),
                run.output());
    }

    private static void assertValid(Map<String, String> row) {
        double age = Double.parseDouble(row.get("age"));
        assertTrue(age > 15 && age < 70, "the astronaut is an adult: " + row);
        assertTrue(List.of("male", "female").contains(row.get("gender")), row.toString());
        assertTrue(LabelSpaces.EMOTION.classes().contains(row.get("emotion")), row.toString());
        assertTrue(LabelSpaces.AGE_GROUP.classes().contains(row.get("age_group")), row.toString());
        for (String p : List.of("age_group_p", "gender_p", "emotion_p")) {
            double v = Double.parseDouble(row.get(p));
            assertTrue(v >= 0 && v <= 1, p + " = " + v);
        }
        assertEquals("reference", row.get("model"));
    }
}

package faceattr.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.data.DatasetKind;
import faceattr.data.LoadReport;
import faceattr.data.Loaded;
import faceattr.data.Sample;
import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports read back with the trainer's own loaders give the labels that were exported. */
class DatasetExporterTest {
    private static final String HEADER = "image,face,x,y,width,height,score,left_eye_x,left_eye_y,right_eye_x,"
            + "right_eye_y,nose_x,nose_y,mouth_left_x,mouth_left_y,mouth_right_x,mouth_right_y,age,age_group,"
            + "age_group_p,gender,gender_p,race,race_p,emotion,emotion_p,model,reviewed,not_a_face";
    private static final String GEOMETRY = "178.19,60.05,89.31,112.66,1.0000,204.58,101.52,245.77,103.09,224.44,"
            + "128.66,201.30,139.28,244.72,141.08";

    @TempDir
    Path tmp;
    private List<ExportFace> faces;

    @BeforeEach
    void faces() throws Exception {
        String img = Path.of("sample-data/astronaut.png").toAbsolutePath().toString();
        Files.writeString(tmp.resolve("faces.csv"), String.join("\n", HEADER,
                img + ",1," + GEOMETRY + ",31.4,30-39,0.53,female,0.91,East Asian,0.8,happiness,1.0,mine,true,false",
                img + ",2," + GEOMETRY + ",64.0,60-69,0.6,male,0.9,,,sadness,0.9,reference,false,false",
                img + ",3," + GEOMETRY + ",20,20-29,0.5,female,0.9,White,0.9,anger,0.9,mine,true,true",
                "/no/such/photo.png,1," + GEOMETRY + ",20,20-29,0.5,female,0.9,White,0.9,anger,0.9,mine,true,false")
                + "\n");
        faces = FacesCsvReader.read(tmp);
    }

    @Test
    void readsFacesCsvWithReviewState() {
        assertEquals(4, faces.size());
        ExportFace f = faces.get(0);
        assertEquals(31.4, f.labels().get(Target.AGE));
        assertEquals(LabelSpaces.RACE_FAIRFACE.indexOf("East Asian"), f.labels().index(Target.RACE7));
        assertEquals(LabelSpaces.RACE_UTKFACE.indexOf("Asian"), f.labels().index(Target.RACE5), "7 classes give the 5");
        assertTrue(f.reviewed());
        assertFalse(faces.get(1).labels().has(Target.RACE7));
        assertTrue(faces.get(2).notAFace());
        assertEquals(204.58, f.landmarks().x(0), 1e-9);
    }

    private LoadReport export(DatasetKind k, Path out, boolean reviewedOnly) throws FaceAttrException {
        return DatasetExporter.export(faces, k, out, new DatasetExporter.Options(reviewedOnly, false, 0), Progress.NONE);
    }

    @Test
    void utkfaceRoundTrip() throws Exception {
        Path out = tmp.resolve("utk");
        LoadReport r = export(DatasetKind.UTKFACE, out, false);
        assertEquals(1, r.used(), r.summary()); // face 2 has no race, face 3 is not a face, photo 4 is missing
        assertEquals(1, r.skipped().get("no race label, which utkface needs"));
        assertEquals(1, r.skipped().get("marked not a face"));
        assertEquals(1, r.skipped().get("source image missing or unreadable"));
        Loaded l = DatasetKind.UTKFACE.load(out);
        assertEquals(1, l.samples().size(), l.report().summary());
        Sample s = l.samples().get(0);
        assertTrue(s.id().matches("31_1_2_\\d{17}\\.jpg\\.chip\\.jpg"), s.id());
        assertTrue(s.aligned());
        assertEquals(31.0, s.labels().get(Target.AGE));
    }

    @Test
    void fairfaceAndRafdbRoundTrip() throws Exception {
        Path ff = tmp.resolve("ff");
        assertEquals(1, export(DatasetKind.FAIRFACE, ff, false).used());
        LabelSet back = DatasetKind.FAIRFACE.load(ff).samples().get(0).labels();
        assertEquals(LabelSpaces.AGE_GROUP.indexOf("30-39"), back.index(Target.AGE_GROUP));
        assertEquals(LabelSpaces.GENDER.indexOf("female"), back.index(Target.GENDER));
        assertEquals(LabelSpaces.RACE_FAIRFACE.indexOf("East Asian"), back.index(Target.RACE7));
        assertTrue(Files.readString(ff.resolve("fairface_label_train.csv")).startsWith("file,age,gender,race,service_test\n"
                + "train/1.jpg,30-39,Female,East Asian,False"));

        Path raf = tmp.resolve("raf");
        assertEquals(2, export(DatasetKind.RAFDB, raf, false).used(), "faces 1 and 2 have an emotion");
        List<Sample> s = DatasetKind.RAFDB.load(raf).samples();
        assertEquals(LabelSpaces.EMOTION.indexOf("happiness"), s.get(0).labels().index(Target.EMOTION));
        assertEquals(LabelSpaces.EMOTION.indexOf("sadness"), s.get(1).labels().index(Target.EMOTION));
        assertTrue(Files.readString(raf.resolve("EmoLabel/list_patition_label.txt")).startsWith("train_00001.jpg 4\n"),
                "RAF-DB's label 4 is happiness");
    }

    @Test
    void faceattrKeepsEveryFieldAndReviewedOnlyFilters() throws Exception {
        Path all = tmp.resolve("all");
        assertEquals(2, export(DatasetKind.FACEATTR, all, false).used());
        Loaded l = DatasetKind.FACEATTR.load(all);
        assertEquals(2, l.samples().size(), l.report().summary());
        assertEquals(64.0, l.samples().get(1).labels().get(Target.AGE));
        String csv = Files.readString(all.resolve("labels.csv"));
        assertTrue(csv.contains(",true," + faces.get(0).image() + ",1,178.19,60.05,89.31,112.66,204.58 101.52"), csv);
        assertTrue(csv.contains(",mine\n"), csv);

        Path reviewed = tmp.resolve("reviewed");
        LoadReport r = export(DatasetKind.FACEATTR, reviewed, true);
        assertEquals(1, r.used());
        assertEquals(1, r.skipped().get("not reviewed"));
    }

    @Test
    void neverOverwritesWithoutBeingToldNorAFolderThatIsNotAnExport() throws Exception {
        Path out = tmp.resolve("existing");
        Files.createDirectories(out);
        Files.writeString(out.resolve("precious.txt"), "mine");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> export(DatasetKind.FACEATTR, out, false));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        e = assertThrows(FaceAttrException.class, () -> DatasetExporter.export(faces, DatasetKind.FACEATTR, out,
                new DatasetExporter.Options(false, true, 0), Progress.NONE));
        assertTrue(e.getMessage().contains("is not a dataset written by an export"), e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("precious.txt")), "a folder of other files is never replaced");

        Path earlier = tmp.resolve("earlier");
        export(DatasetKind.FACEATTR, earlier, false);
        DatasetExporter.export(faces.subList(0, 1), DatasetKind.FACEATTR, earlier,
                new DatasetExporter.Options(false, true, 0), Progress.NONE);
        assertEquals(1, DatasetKind.FACEATTR.load(earlier).samples().size(), "an earlier export is replaced as a whole");
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".earlier")), "no temporary folder left");
        }
        // Nothing to export: an error, and the earlier export stays.
        e = assertThrows(FaceAttrException.class, () -> DatasetExporter.export(faces.subList(2, 3),
                DatasetKind.FACEATTR, earlier, new DatasetExporter.Options(false, true, 0), Progress.NONE));
        assertTrue(e.getMessage().contains("no face to export") && e.getMessage().contains("not a face"),
                e.getMessage());
        assertEquals(1, DatasetKind.FACEATTR.load(earlier).samples().size());
    }
}

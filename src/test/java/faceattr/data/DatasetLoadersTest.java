package faceattr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoadersTest {
    @TempDir
    Path tmp;

    @Test
    void utkfaceParsesNamesAndReportsTheMalformedOnes() throws Exception {
        Path dir = tmp.resolve("UTKFace");
        DatasetFixtures.utkface(dir, List.of(new int[] {25, 0, 2}, new int[] {1, 1, 4}, new int[] {116, 1, 0}),
                DatasetFixtures.GREY);
        DatasetFixtures.jpg(dir.resolve("wild/40_1_3_20170119171131489.jpg"), DatasetFixtures.GREY.apply(null));
        Loaded l = DatasetKind.of("utkface").load(dir);
        assertEquals(4, l.samples().size(), l.report().summary());
        Sample s = l.samples().stream().filter(x -> x.id().startsWith("25_")).findFirst().orElseThrow();
        assertEquals(25.0, s.labels().get(Target.AGE));
        assertEquals(LabelSpaces.AGE_GROUP.indexOf("20-29"), s.labels().index(Target.AGE_GROUP));
        assertEquals(0, s.labels().index(Target.GENDER)); // male
        assertEquals(LabelSpaces.RACE_UTKFACE.indexOf("Asian"), s.labels().index(Target.RACE5));
        assertFalse(s.labels().has(Target.RACE7));
        assertFalse(s.labels().has(Target.EMOTION));
        assertTrue(s.aligned(), ".chip.jpg is the aligned set");
        assertNull(s.split());
        Sample wild = l.samples().stream().filter(x -> x.id().contains("wild")).findFirst().orElseThrow();
        assertTrue(!wild.aligned(), "plain .jpg files are in-the-wild photos");
        assertEquals(LabelSpaces.RACE_UTKFACE.indexOf("Indian"), wild.labels().index(Target.RACE5));
        LoadReport r = l.report();
        assertEquals(3, r.skipped().get("no race field in the file name"));
        assertTrue(r.examples().get("no race field in the file name").contains("39_1_20170116174525125.jpg.chip.jpg"));
        assertEquals(1, r.skipped().get("age above 116"));
        assertEquals(1, r.skipped().get("gender code not 0 or 1"));
        assertEquals(1, r.skipped().get("file name is not [age]_[gender]_[race]_[date].jpg"));
        assertEquals(6, r.skippedTotal());
        assertTrue(r.summary().startsWith("utkface " + dir + ": 4 used, 6 skipped"), r.summary());
    }

    @Test
    void fairfaceReadsBothCsvsAndSkipsMissingImagesAndUnknownLabels() throws Exception {
        Path dir = tmp.resolve("fairface");
        DatasetFixtures.fairface(dir, List.of(new String[] {"20-29", "Male", "East Asian"},
                new String[] {"more than 70", "Female", "Latino_Hispanic"}),
                List.<String[]>of(new String[] {"0-2", "Female", "Middle Eastern"}), DatasetFixtures.GREY);
        Loaded l = DatasetKind.FAIRFACE.load(dir);
        assertEquals(3, l.samples().size(), l.report().summary());
        Sample first = l.samples().get(0);
        assertEquals("train/1.jpg", first.id());
        assertEquals(Split.TRAIN, first.split());
        assertEquals(LabelSpaces.AGE_GROUP.indexOf("20-29"), first.labels().index(Target.AGE_GROUP));
        assertEquals(LabelSpaces.GENDER.indexOf("male"), first.labels().index(Target.GENDER));
        assertEquals(LabelSpaces.RACE_FAIRFACE.indexOf("East Asian"), first.labels().index(Target.RACE7));
        assertFalse(first.labels().has(Target.AGE));
        assertFalse(first.labels().has(Target.RACE5));
        Sample old = l.samples().get(1);
        assertEquals(LabelSpaces.AGE_GROUP.size() - 1, old.labels().index(Target.AGE_GROUP));
        assertEquals(LabelSpaces.GENDER.indexOf("female"), old.labels().index(Target.GENDER));
        assertEquals(Split.VAL, l.samples().get(2).split());
        assertEquals(Map.of("image file missing", 1, "unknown age group, gender or race label", 1),
                l.report().skipped());
        assertEquals(List.of("train/9999.jpg"), l.report().examples().get("image file missing"));
    }

    @Test
    void fairfaceLabelsWithAByteOrderMarkAndQuotedFieldsLoad() throws Exception {
        Path dir = tmp.resolve("fairface-bom");
        DatasetFixtures.fairface(dir, List.<String[]>of(new String[] {"20-29", "Male", "East Asian"}), List.of(),
                DatasetFixtures.GREY);
        Path csv = dir.resolve("fairface_label_train.csv");
        // As a spreadsheet saves it: a UTF-8 byte order mark, CRLF, every field quoted.
        Files.write(csv, ("\uFEFF\"file\",\"age\",\"gender\",\"race\",\"service_test\"\r\n"
                + "\"train/1.jpg\",\"20-29\",\"Male\",\"East Asian\",\"True\"\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals((byte) 0xEF, Files.readAllBytes(csv)[0]);
        Loaded l = DatasetKind.FAIRFACE.load(dir);
        assertEquals(1, l.samples().size(), l.report().summary());
        assertEquals("train/1.jpg", l.samples().get(0).id());
        assertEquals(LabelSpaces.RACE_FAIRFACE.indexOf("East Asian"), l.samples().get(0).labels().index(Target.RACE7));
        assertEquals(0, l.report().skippedTotal(), l.report().summary());
    }

    @Test
    void rafdbMapsLabelsAndSplitsByName() throws Exception {
        Path dir = tmp.resolve("basic");
        DatasetFixtures.rafdb(dir, List.of(1, 4, 7), List.of(6), DatasetFixtures.GREY);
        Loaded l = DatasetKind.RAFDB.load(dir);
        assertEquals(4, l.samples().size(), l.report().summary());
        assertEquals(LabelSpaces.EMOTION.indexOf("surprise"), l.samples().get(0).labels().index(Target.EMOTION));
        assertEquals(LabelSpaces.EMOTION.indexOf("happiness"), l.samples().get(1).labels().index(Target.EMOTION));
        assertEquals(LabelSpaces.EMOTION.indexOf("neutral"), l.samples().get(2).labels().index(Target.EMOTION));
        assertEquals(LabelSpaces.EMOTION.indexOf("anger"), l.samples().get(3).labels().index(Target.EMOTION));
        assertEquals(Split.TRAIN, l.samples().get(0).split());
        assertEquals(Split.VAL, l.samples().get(3).split());
        assertTrue(l.samples().get(3).image().endsWith(Path.of("Image/aligned/test_0001_aligned.jpg")));
        assertEquals(1, l.report().skipped().get("aligned image missing"));
        assertEquals(1, l.report().skipped().get("line is not '<name>.jpg <label>'"));
    }

    @Test
    void faceattrExportReadsLabelNamesAndEmptyCellsAsMissing() throws Exception {
        Path dir = tmp.resolve("export");
        DatasetFixtures.jpg(dir.resolve("crops/a.jpg"), DatasetFixtures.GREY.apply(null));
        DatasetFixtures.jpg(dir.resolve("crops/b.jpg"), DatasetFixtures.GREY.apply(null));
        Files.writeString(dir.resolve("labels.csv"), String.join("\n",
                "crop,age,age_group,gender,race,race5,emotion,reviewed,source_image",
                "crops/a.jpg,31.5,30-39,female,,,happiness,true,\"/photos/x, y.jpg\"",
                "crops/b.jpg,,,male,East Asian,Asian,,false,/photos/z.jpg",
                "crops/c.jpg,20,20-29,male,,,,true,/photos/gone.jpg",
                "crops/a.jpg,20,20-29,robot,,,,true,/photos/x.jpg",
                "crops/a.jpg,,,,,,,true,/photos/x.jpg") + "\n");
        Loaded l = DatasetKind.FACEATTR.load(dir);
        assertEquals(2, l.samples().size(), l.report().summary());
        LabelSet a = l.samples().get(0).labels();
        assertEquals(31.5, a.get(Target.AGE));
        assertEquals(LabelSpaces.EMOTION.indexOf("happiness"), a.index(Target.EMOTION));
        assertFalse(a.has(Target.RACE7));
        LabelSet b = l.samples().get(1).labels();
        assertFalse(b.has(Target.AGE));
        assertEquals(LabelSpaces.RACE_FAIRFACE.indexOf("East Asian"), b.index(Target.RACE7));
        assertEquals(LabelSpaces.RACE_UTKFACE.indexOf("Asian"), b.index(Target.RACE5));
        assertEquals(3, l.report().skippedTotal(), l.report().summary());
    }

    @Test
    void missingIndexFilesNameTheFolderAndWhatIsNeeded() {
        for (DatasetKind k : DatasetKind.values()) {
            FaceAttrException e = assertThrows(FaceAttrException.class, () -> k.load(tmp.resolve("nothing")));
            assertTrue(e.getMessage().contains("nothing"), k + ": " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DatasetKind.of("imagenet"));
    }

    @Test
    void fairfaceWithAWrongHeaderIsRefused() throws Exception {
        Path dir = tmp.resolve("ff");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("fairface_label_train.csv"), "name,label\nx.jpg,1\n");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> DatasetKind.FAIRFACE.load(dir));
        assertTrue(e.getMessage().contains("file,age,gender,race,service_test"), e.getMessage());
    }
}

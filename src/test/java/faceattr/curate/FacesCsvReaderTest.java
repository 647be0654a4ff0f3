package faceattr.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.analysis.FacesCsv;
import faceattr.core.FaceAttrException;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.estimate.FaceAttributes;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** faces.csv as analysis writes it ({@link FacesCsv#write}) and as export reads it back. */
class FacesCsvReaderTest {
    private static final DetectedFace FACE = new DetectedFace(new Box(178.194, 60.05, 89.3, 112.666), 0.99996,
            new Landmarks(new double[] {204.58, 101.52, 245.77, 103.09, 224.44, 128.66, 201.3, 139.28, 244.72,
                141.08}));
    private static final FaceAttributes ATTRIBUTES = FaceAttributes.builder().setModel("mine").setAge(31.44, 4.2)
            .setAgeGroup(new double[] {0, 0, 0.05, 0.25, 0.6, 0.1, 0, 0, 0}).setGender(new double[] {0.2, 0.8})
            .optRace(new double[] {0.1, 0.05, 0.2, 0.3, 0.15, 0.12, 0.08})
            .setEmotion(new double[] {0.1, 0.7, 0.05, 0.05, 0.04, 0.03, 0.03}).build();

    @TempDir
    Path tmp;

    private static List<String> row(String image, int face) {
        List<String> r = new ArrayList<>(FacesCsv.detectValues(image, face, FACE));
        r.addAll(FacesCsv.attributeValues(ATTRIBUTES));
        return r;
    }

    @Test
    void ordinaryValuesAreWrittenAsBefore() throws Exception {
        Path csv = tmp.resolve("faces.csv");
        FacesCsv.write(csv, FacesCsv.ANALYZE_COLUMNS, List.of(row("/photos/a.png", 1), row("b c.png", 2)));
        String values = ",178.19,60.05,89.30,112.67,1.0000,204.58,101.52,245.77,103.09,224.44,128.66,201.30,139.28,"
                + "244.72,141.08,31.4,30-39,0.6000,female,0.8000,East Asian,0.3000,happiness,0.7000,mine\n";
        assertEquals(String.join(",", FacesCsv.ANALYZE_COLUMNS) + "\n" + "/photos/a.png,1" + values + "b c.png,2"
                + values, Files.readString(csv, StandardCharsets.UTF_8), "no quotes, no BOM, '\\n' after every line");
    }

    @Test
    void aFileNameWithACommaAQuoteAndANewlineRoundTrips() throws Exception {
        String odd = tmp.resolve("a, \"b\"\nc.png").toString();
        Path csv = tmp.resolve("faces.csv");
        FacesCsv.write(csv, FacesCsv.ANALYZE_COLUMNS, List.of(row(odd, 1), row("plain.png", 2)));
        assertTrue(Files.readString(csv).contains("\"" + odd.replace("\"", "\"\"") + "\",1,"), "quoted, quotes doubled");
        List<ExportFace> faces = FacesCsvReader.read(tmp);
        assertEquals(2, faces.size());
        assertEquals(odd, faces.get(0).image());
        assertEquals(1, faces.get(0).face());
        assertEquals(178.19, faces.get(0).box().x(), 1e-9);
        assertEquals(141.08, faces.get(0).landmarks().toArray()[9], 1e-9);
        assertEquals(LabelSpaces.RACE_FAIRFACE.indexOf("East Asian"), faces.get(0).labels().index(Target.RACE7));
        assertEquals("mine", faces.get(0).model());
        assertEquals(2, faces.get(1).face(), "the newline inside the name does not start a record");
    }

    @Test
    void malformedFilesNameTheFileAndTheLine() throws Exception {
        String header = String.join(",", FacesCsv.ANALYZE_COLUMNS);
        Path csv = tmp.resolve("faces.csv");
        List<String> r = row("ignored.png", 1);
        Files.writeString(csv, header + "\n\"two\nlines.png\"," + String.join(",", r.subList(1, r.size())) + "\n"
                + "\"unclosed.png,1\n");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> FacesCsvReader.read(csv));
        assertEquals(csv + ": line 4: a quoted field is not closed", e.getMessage());

        Files.writeString(csv, "\uFEFF" + header + "\r\n\r\nx.png,1,not-a-number\r\n");
        e = assertThrows(FaceAttrException.class, () -> FacesCsvReader.read(csv));
        assertTrue(e.getMessage().startsWith(csv + ": line 3: "), e.getMessage());
    }
}

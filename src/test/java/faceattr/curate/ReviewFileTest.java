package faceattr.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review file against a golden file written by the reflection-based Gson it replaced: it
 * must read to the same faces and write back byte for byte; a file of the version before
 * {@code where} existed must still read.
 */
class ReviewFileTest {
    private static final String GOLDEN = """
            {
              "format": 1,
              "faces": [
                {
                  "image": "photo.png",
                  "roi": "face-1",
                  "labels": {
                    "age": 30.0,
                    "ageGroup": 4,
                    "gender": 1,
                    "emotion": 1
                  },
                  "confidence": {
                    "gender": 0.9
                  },
                  "ageStd": 5.0,
                  "reviewed": false,
                  "notAFace": false,
                  "where": ""
                },
                {
                  "image": "photo.png",
                  "roi": "s2-face-1",
                  "labels": {
                    "gender": 0,
                    "race7": 3,
                    "race5": 2
                  },
                  "confidence": {
                    "gender": NaN
                  },
                  "ageStd": NaN,
                  "reviewed": true,
                  "notAFace": true,
                  "where": "1 2 3 4"
                }
              ]
            }
            """;

    @Test
    void aFileOfThePreviousWriterReadsAndWritesBackByteForByte() {
        List<ReviewFace> faces = ReviewFile.read(GOLDEN);
        assertEquals(new ReviewFace("photo.png", "face-1", LabelSet.NONE.with(Target.AGE, 30.0)
                .with(Target.AGE_GROUP, 4).with(Target.GENDER, 1).with(Target.EMOTION, 1),
                Map.of("gender", 0.9), 5, false, false, ""), faces.get(0));
        assertEquals(new ReviewFace("photo.png", "s2-face-1", LabelSet.NONE.with(Target.GENDER, 0).with(Target.RACE7, 3)
                .with(Target.RACE5, 2),
                Map.of("gender", Double.NaN), Double.NaN, true, true, "1 2 3 4"), faces.get(1));
        assertEquals(GOLDEN.strip(), ReviewFile.write(faces));
    }

    @Test
    void aFileWithoutPositionsReadsAsFacesOfUnknownPosition() {
        String older = GOLDEN.replace(",\n      \"where\": \"1 2 3 4\"", "");
        assertFalse(older.contains("where\": \"1"), older);
        assertEquals("", ReviewFile.read(older).get(1).where());
    }

    @Test
    void damageIsReportedWithTheFileAndTheField(@TempDir Path dir) throws Exception {
        String[][] cases = {
            {"\"roi\": \"face-1\"", "\"roi\": 1", "faces[0]: the field 'roi' must be a string"},
            {"\"gender\": 0,", "\"gender\": 0.5,", "faces[1].labels: the field 'gender' must be an integer"},
            {"\"reviewed\": true", "\"reviewed\": 1", "faces[1]: the field 'reviewed' must be true or false"},
            {"\"format\": 1", "\"format\": 2", "not a review file of format 1"},
        };
        Path file = dir.resolve("photo.png.faceattr-review.json");
        for (String[] c : cases) {
            Files.writeString(file, GOLDEN.replace(c[0], c[1]));
            FaceAttrException e = assertThrows(FaceAttrException.class, () -> ReviewSession.load(file), c[2]);
            assertEquals(file, e.file());
            assertTrue(e.getMessage().contains(c[2]) && e.getMessage().contains("delete it"), e.getMessage());
        }
    }
}

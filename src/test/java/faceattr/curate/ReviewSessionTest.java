package faceattr.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import faceattr.labels.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewSessionTest {
    @TempDir
    Path tmp;

    private static ReviewFace face(String roi, double genderP, double emotionP, double ageStd) {
        return new ReviewFace("photo.png", roi, LabelSet.NONE.with(Target.AGE, 30.0).with(Target.AGE_GROUP, 4)
                .with(Target.GENDER, 1).with(Target.EMOTION, 1),
                Map.of("gender", genderP, "emotion", emotionP, "age_group", 0.6), ageStd, false, false);
    }

    private ReviewSession session() {
        return new ReviewSession(List.of(face("face-1", 0.99, 0.95, 5), face("face-2", 0.55, 0.9, 9),
                face("face-3", 0.9, 0.4, 3)), tmp.resolve("photo.png.faceattr-review.json"));
    }

    @Test
    void likelyErrorsComeFirst() {
        ReviewSession s = session();
        assertEquals(List.of(2, 1, 0), s.view(ReviewSession.Order.LOWEST_CONFIDENCE, ReviewSession.Filters.all()));
        assertEquals(List.of(1, 0, 2), s.view(ReviewSession.Order.HIGHEST_AGE_UNCERTAINTY,
                ReviewSession.Filters.all()));
    }

    @Test
    void editsUpdateLabelsReviewStateAndListenersAndAreSavedEachTime() throws Exception {
        ReviewSession s = session();
        List<String> changed = new ArrayList<>();
        s.onChange(f -> changed.add(f.roi()));
        s.setClass(1, Task.GENDER, 0);
        ReviewFace f = s.faces().get(1);
        assertEquals(0, f.labels().index(Target.GENDER));
        assertTrue(f.reviewed());
        assertEquals(1.0, f.confidence().get("gender"));
        assertEquals(List.of("face-2"), changed);
        assertEquals(s.faces(), ReviewSession.load(tmp.resolve("photo.png.faceattr-review.json")),
                "the autosave holds the edit");

        s.setAge(0, 67);
        assertEquals(LabelSpaces.ageGroupOf(67), s.faces().get(0).labels().index(Target.AGE_GROUP),
                "the age group follows");
        s.setClass(2, Task.RACE, LabelSpaces.RACE_FAIRFACE.indexOf("Southeast Asian"));
        assertEquals(LabelSpaces.RACE_UTKFACE.indexOf("Asian"), s.faces().get(2).labels().index(Target.RACE5));
        s.setNotAFace(2, true);
        assertEquals(List.of(0, 1), s.view(ReviewSession.Order.DETECTION, ReviewSession.Filters.reviewed())
                .subList(0, 2));
        assertTrue(s.view(ReviewSession.Order.DETECTION, ReviewSession.Filters.unreviewed()).isEmpty());
        assertEquals(List.of(1), s.view(ReviewSession.Order.DETECTION,
                ReviewSession.Filters.value(Task.GENDER, 0)));
    }

    @Test
    void undoAndRedoRestoreExactlyAndReachTheListeners() throws Exception {
        ReviewSession s = session();
        List<ReviewFace> before = s.faces();
        s.setClass(0, Task.EMOTION, 6);
        s.accept(1);
        List<ReviewFace> after = s.faces();
        List<String> changed = new ArrayList<>();
        s.onChange(f -> changed.add(f.roi()));
        s.undo();
        s.undo();
        assertEquals(before, s.faces());
        assertFalse(s.canUndo());
        assertEquals(List.of("face-2", "face-1"), changed);
        s.redo();
        s.redo();
        assertEquals(after, s.faces());
        assertFalse(s.canRedo());
        s.undo();
        s.setNotAFace(2, true); // a new edit drops the redo history
        assertFalse(s.canRedo());
    }

    @Test
    void aDamagedAutosaveIsRefusedByName() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"format\": 7}");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> ReviewSession.load(bad));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("delete it"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> session().setAge(0, -3));
        assertThrows(IllegalArgumentException.class, () -> session().setClass(0, Task.GENDER, 2));
    }

    @Test
    void savedFacesNotShownAreKeptAndMatchingNeedsTheSamePosition() throws Exception {
        ReviewFace other = new ReviewFace("photo.png", "s2-face-1", LabelSet.NONE.with(Target.AGE, 20.0)
                .with(Target.AGE_GROUP, 3).with(Target.GENDER, 0).with(Target.EMOTION, 0),
                Map.of(), 1, true, false, "1 2 3 4 5 6 7 8 9 10");
        ReviewSession s = new ReviewSession(List.of(face("face-1", 0.9, 0.9, 1)), List.of(other),
                tmp.resolve("kept.json"));
        s.accept(0);
        List<ReviewFace> saved = ReviewSession.load(tmp.resolve("kept.json"));
        assertEquals(2, saved.size(), "the review of the face not shown stays in the file");
        assertEquals(other, saved.get(1));
        ReviewFace moved = new ReviewFace("photo.png", "s2-face-1", other.labels(), Map.of(), 1, false, false,
                "50 2 3 4 5 6 7 8 9 10");
        assertFalse(moved.sameFace(other), "same name, other landmarks: another face");
        assertTrue(new ReviewFace("photo.png", "s2-face-1", other.labels(), Map.of(), 1, false, false,
                other.where()).sameFace(other));
    }
}

package faceattr.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import faceattr.labels.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review keys, driven as the window drives them. */
class ReviewControllerTest {
    @TempDir
    Path tmp;

    private ReviewSession session() {
        return new ReviewSession(List.of(
                new ReviewFace("p", "face-1", LabelSet.NONE.with(Target.AGE, 30.0).with(Target.AGE_GROUP, 4)
                        .with(Target.GENDER, 1).with(Target.EMOTION, 1), Map.of("gender", 0.95), 5,
                        false, false),
                new ReviewFace("p", "face-2", LabelSet.NONE.with(Target.AGE, 50.0).with(Target.AGE_GROUP, 6)
                        .with(Target.GENDER, 0).with(Target.EMOTION, 0), Map.of("gender", 0.52), 8,
                        false, false),
                new ReviewFace("p", "face-3", LabelSet.NONE.with(Target.AGE, 8.0).with(Target.AGE_GROUP, 1)
                        .with(Target.GENDER, 1).with(Target.EMOTION, 6), Map.of("gender", 0.8), 2,
                        false, false)), tmp.resolve("r.json"));
    }

    @Test
    void keysEditTheLikeliestErrorsFirst() {
        ReviewSession s = session();
        ReviewController c = new ReviewController(s);
        assertEquals(List.of(1, 2, 0), c.view(), "lowest confidence first");
        assertEquals(1, c.selectedFace());
        assertEquals(Task.GENDER, c.attribute());
        c.digit(2); // gender class 2 = female
        assertEquals(1, s.faces().get(1).labels().index(Target.GENDER));
        assertTrue(s.faces().get(1).reviewed());
        c.up();
        c.up(); // gender -> age group -> age
        assertEquals(Task.AGE, c.attribute());
        c.digit(4);
        c.digit(7);
        assertEquals("47", c.typed());
        c.enter();
        assertEquals(47.0, s.faces().get(1).labels().get(Target.AGE));
        assertEquals(LabelSpaces.ageGroupOf(47), s.faces().get(1).labels().index(Target.AGE_GROUP));
        c.next();
        assertEquals(2, c.selectedFace());
        c.enter(); // accept face-3 as it is, move on
        assertTrue(s.faces().get(2).reviewed());
        assertEquals(0, c.selectedFace());
        c.delete();
        assertTrue(s.faces().get(0).notAFace());
        c.undo();
        assertFalse(s.faces().get(0).notAFace());
        c.redo();
        assertTrue(s.faces().get(0).notAFace());
        c.previous();
        assertEquals(2, c.selectedFace());
    }

    @Test
    void filtersAndOrdersCycleAndBadKeysSaySo() {
        ReviewSession s = session();
        ReviewController c = new ReviewController(s);
        c.cycleFilter(); // unreviewed
        assertEquals("unreviewed", c.filterName());
        c.enter(); // accept face-2: it leaves the view, the next one is selected
        assertEquals(List.of(2, 0), c.view());
        assertEquals(2, c.selectedFace());
        c.digit(9); // gender has 2 classes
        assertEquals("gender has classes 1 to 2", c.message());
        c.cycleOrder(); // age uncertainty
        assertEquals(ReviewSession.Order.HIGHEST_AGE_UNCERTAINTY, c.order());
        assertEquals(List.of(0, 2), c.view());
        c.up();
        c.up();
        c.digit(1);
        c.digit(2);
        c.digit(5);
        c.enter();
        assertEquals("an age must be 0 to 120", c.message());
        assertEquals(8.0, s.faces().get(2).labels().get(Target.AGE), "nothing changed");
    }

    @Test
    void filterBySelectedValue() {
        ReviewSession s = session();
        ReviewController c = new ReviewController(s); // selected: face-2 (male), attribute gender
        c.cycleFilter();
        c.cycleFilter();
        c.cycleFilter(); // all -> unreviewed -> reviewed -> same value
        assertEquals("gender = male", c.filterName());
        assertEquals(List.of(1), c.view());
        c.cycleFilter();
        assertEquals("all", c.filterName());
        assertEquals(3, c.view().size());
    }
}

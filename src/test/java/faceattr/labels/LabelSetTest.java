package faceattr.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** One face's labels: ranges, what follows from what, text as files hold it. */
class LabelSetTest {
    @Test
    void holdsOnlyWhatWasSetAndChecksRanges() {
        LabelSet l = LabelSet.NONE.with(Target.AGE, 31.5).with(Target.GENDER, 1);
        assertEquals(Set.of(Target.AGE, Target.GENDER), l.targets());
        assertEquals(31.5, l.get(Target.AGE));
        assertEquals(1, l.index(Target.GENDER));
        assertFalse(l.has(Target.EMOTION));
        assertThrows(IllegalStateException.class, () -> l.index(Target.EMOTION));
        assertThrows(IllegalArgumentException.class, () -> l.index(Target.AGE));
        assertThrows(IllegalArgumentException.class, () -> l.with(Target.GENDER, 2));
        assertThrows(IllegalArgumentException.class, () -> l.with(Target.EMOTION, 1.5));
        assertThrows(IllegalArgumentException.class, () -> l.with(Target.AGE, -1));
        assertThrows(IllegalArgumentException.class, () -> l.with(Target.AGE, Double.POSITIVE_INFINITY));
        assertTrue(LabelSet.NONE.isEmpty());
        assertEquals(LabelSet.NONE, l.without(Target.AGE).without(Target.GENDER));
        assertEquals(l, LabelSet.NONE.with(Target.GENDER, 1).with(Target.AGE, 31.5));
        assertEquals(l.hashCode(), LabelSet.NONE.with(Target.GENDER, 1).with(Target.AGE, 31.5).hashCode());
    }

    @Test
    void ageGroupFollowsAgeAndRace5FollowsRace7() {
        LabelSet l = LabelSet.NONE.withFollowing(Target.AGE, 67).withFollowing(Target.RACE7, 3);
        assertEquals(LabelSpaces.ageGroupOf(67), l.index(Target.AGE_GROUP));
        assertEquals(LabelSpaces.RACE_UTKFACE.indexOf("Asian"), l.index(Target.RACE5));
        LabelSet only7 = LabelSet.NONE.with(Target.RACE7, 0);
        assertEquals(0, only7.completed(Target.RACE5).index(Target.RACE5));
        LabelSet both = only7.with(Target.RACE5, 4);
        assertEquals(4, both.completed(Target.RACE5).index(Target.RACE5), "a label of its own is kept");
        assertEquals(Target.RACE7, Target.of(Task.RACE));
        assertEquals(Task.RACE, Target.RACE5.task());
    }

    @Test
    void textAsFilesHoldIt() {
        LabelSet l = LabelSet.NONE.withText(Target.AGE, "31.44").withText(Target.RACE7, "East Asian")
                .withText(Target.EMOTION, "");
        assertEquals("31.4", l.text(Target.AGE));
        assertEquals("East Asian", l.text(Target.RACE7));
        assertEquals("", l.text(Target.EMOTION));
        assertThrows(IllegalArgumentException.class, () -> l.withText(Target.GENDER, "Male"));
        assertThrows(IllegalArgumentException.class, () -> l.withText(Target.AGE, "old"));
        assertEquals("race", Target.RACE7.column());
        assertEquals("race7", Target.RACE7.key());
    }

    @Test
    void onlyKeepsTheChosenTargets() {
        LabelSet l = LabelSet.NONE.with(Target.AGE, 20).with(Target.RACE5, 2).with(Target.EMOTION, 3);
        assertEquals(Set.of(Target.RACE5), l.only(t -> t.task() == Task.RACE).targets());
    }
}

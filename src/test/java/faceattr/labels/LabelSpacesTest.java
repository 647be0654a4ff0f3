package faceattr.labels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every label space and map on hand cases taken from the datasets' documentation
 * ({@code docs/facts.md}) and the output contract ({@code docs/contracts.md}).
 */
class LabelSpacesTest {

    @Test
    void spacesHaveTheDocumentedNamesInTheDocumentedOrder() {
        assertEquals(List.of("0-2", "3-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "more than 70"),
                LabelSpaces.AGE_GROUP.classes());
        assertEquals(List.of("male", "female"), LabelSpaces.GENDER.classes());
        assertEquals(List.of("Male", "Female"), LabelSpaces.GENDER_FAIRFACE.classes());
        assertEquals(List.of("White", "Black", "Latino_Hispanic", "East Asian", "Southeast Asian", "Indian",
                "Middle Eastern"), LabelSpaces.RACE_FAIRFACE.classes());
        assertEquals(List.of("White", "Black", "Asian", "Indian", "Others"), LabelSpaces.RACE_UTKFACE.classes());
        assertEquals(List.of("neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"),
                LabelSpaces.EMOTION.classes());
        assertEquals(101, LabelSpaces.AGE_BINS.size());
        assertEquals("0", LabelSpaces.AGE_BINS.className(0));
        assertEquals("100", LabelSpaces.AGE_BINS.className(100));
        assertEquals("Latino/Hispanic", LabelSpaces.RACE_FAIRFACE.displayName(2));
        assertEquals("Happiness", LabelSpaces.EMOTION.displayName(1));
    }

    @Test
    void tasksFixTheOutputOrderAndWidths() {
        assertEquals(List.of(Task.AGE, Task.AGE_GROUP, Task.GENDER, Task.RACE, Task.EMOTION),
                Arrays.asList(Task.values()));
        int[] widths = Arrays.stream(Task.values()).mapToInt(Task::outputs).toArray();
        assertArrayEquals(new int[] {101, 9, 2, 7, 7}, widths);
        assertEquals(Task.AGE_GROUP, Task.ofKey("age_group"));
        assertThrows(IllegalArgumentException.class, () -> Task.ofKey("Age"));
    }

    @Test
    void ageGroupsFollowCompletedYears() {
        double[] ages = {0, 2, 2.99, 3, 9.99, 10, 19, 20, 29.5, 30, 45, 50, 59, 60, 69.99, 70, 85, 116};
        int[] groups = {0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 6, 7, 7, 8, 8, 8};
        for (int i = 0; i < ages.length; i++) {
            assertEquals(groups[i], LabelSpaces.ageGroupOf(ages[i]), "age " + ages[i]);
        }
        assertEquals("more than 70", LabelSpaces.AGE_GROUP.className(LabelSpaces.ageGroupOf(70)));
        assertEquals(60, LabelSpaces.ageGroupStart(7));
        assertThrows(IllegalArgumentException.class, () -> LabelSpaces.ageGroupOf(-0.5));
        assertThrows(IllegalArgumentException.class, () -> LabelSpaces.ageGroupOf(Double.NaN));
    }

    @Test
    void genderCodesAndSpellings() {
        assertEquals(0, LabelSpaces.genderOfUtkFace(0));
        assertEquals(1, LabelSpaces.genderOfUtkFace(1));
        assertEquals("female", LabelSpaces.GENDER.className(LabelSpaces.genderOfUtkFace(1)));
        assertThrows(IllegalArgumentException.class, () -> LabelSpaces.genderOfUtkFace(2));
        assertEquals("male", LabelSpaces.GENDER_FAIRFACE_TO_GENDER.apply("Male"));
        assertEquals("female", LabelSpaces.GENDER_FAIRFACE_TO_GENDER.apply("Female"));
        // FairFace spells with a capital; the lookup is exact so a wrong file is noticed.
        assertEquals(-1, LabelSpaces.GENDER_FAIRFACE.indexOf("male"));
        assertThrows(IllegalArgumentException.class, () -> LabelSpaces.GENDER_FAIRFACE.index("male"));
    }

    @Test
    void fairFaceRacesGroupIntoUtkFaceRaces() {
        LabelMap m = LabelSpaces.RACE_FAIRFACE_TO_UTKFACE;
        assertEquals("White", m.apply("White"));
        assertEquals("Black", m.apply("Black"));
        assertEquals("Others", m.apply("Latino_Hispanic"));
        assertEquals("Asian", m.apply("East Asian"));
        assertEquals("Asian", m.apply("Southeast Asian"));
        assertEquals("Indian", m.apply("Indian"));
        assertEquals("Others", m.apply("Middle Eastern"));
        assertArrayEquals(new int[] {0, 1, 4, 2, 2, 3, 4}, m.indices());
        assertArrayEquals(new int[] {3, 4}, m.sourcesOf(2));
        assertArrayEquals(new int[] {2, 6}, m.sourcesOf(4));
        assertArrayEquals(new int[] {5}, m.sourcesOf(3));
        double[] p5 = m.mapProbabilities(new double[] {0.1, 0.05, 0.2, 0.3, 0.15, 0.12, 0.08});
        assertArrayEquals(new double[] {0.1, 0.05, 0.45, 0.12, 0.28}, p5, 1e-12);
        assertEquals(3, LabelSpaces.raceOfUtkFace(3));
        assertThrows(IllegalArgumentException.class, () -> LabelSpaces.raceOfUtkFace(5));
        assertThrows(IllegalArgumentException.class, () -> m.mapProbabilities(new double[5]));
    }

    @Test
    void rafDbLabelsMapOntoProductEmotions() {
        String[] expected = {"surprise", "fear", "disgust", "happiness", "sadness", "anger", "neutral"};
        for (int label = 1; label <= 7; label++) {
            int idx = LabelSpaces.emotionOfRafDb(label);
            assertEquals(expected[label - 1], LabelSpaces.EMOTION.className(idx), "RAF-DB label " + label);
        }
        assertEquals(6, LabelSpaces.emotionOfRafDb(1));
        assertEquals(0, LabelSpaces.emotionOfRafDb(7));
        assertThrows(IllegalArgumentException.class, () -> LabelSpaces.emotionOfRafDb(0));
        assertThrows(IllegalArgumentException.class, () -> LabelSpaces.emotionOfRafDb(8));
    }

    @Test
    void faceApiExpressionsMapOntoProductEmotions() {
        LabelMap m = LabelSpaces.EXPRESSION_FACE_API_TO_EMOTION;
        assertEquals("happiness", m.apply("happy"));
        assertEquals("sadness", m.apply("sad"));
        assertEquals("anger", m.apply("angry"));
        assertEquals("fear", m.apply("fearful"));
        assertEquals("disgust", m.apply("disgusted"));
        assertEquals("surprise", m.apply("surprised"));
        assertEquals("neutral", m.apply("neutral"));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, m.indices());
    }

    @Test
    void spacesAndMapsAreImmutableAndValidated() {
        List<String> classes = LabelSpaces.EMOTION.classes();
        assertThrows(UnsupportedOperationException.class, () -> classes.set(0, "x"));
        int[] idx = LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.indices();
        idx[0] = 4;
        assertEquals(0, LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.apply(0));
        String[] names = {"a", "b"};
        LabelSpace s = LabelSpace.of("s", names);
        names[0] = "z";
        assertEquals("a", s.className(0));
        assertThrows(IllegalArgumentException.class, () -> LabelSpace.of("d", "a", "a"));
        assertThrows(IllegalArgumentException.class, () -> LabelSpace.of("e"));
        assertThrows(IllegalArgumentException.class, () -> LabelSpace.of("b", "a", " "));
        assertThrows(IllegalArgumentException.class, () -> LabelSpace.of("m", List.of("a"), List.of("A", "B")));
        LabelSpace two = LabelSpace.of("two", "x", "y");
        assertThrows(IllegalArgumentException.class, () -> LabelMap.of(s, two, 0));
        assertThrows(IllegalArgumentException.class, () -> LabelMap.of(s, two, 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> LabelMap.of(s, two, 1, 0).apply(2));
        assertEquals(LabelSpace.of("s", "a", "b"), s);
        assertNotEquals(LabelSpace.of("t", "a", "b"), s);
        assertTrue(LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.toString().contains("Middle Eastern=Others"));
    }
}

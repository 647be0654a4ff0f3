package faceattr.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.labels.LabelSpaces;
import faceattr.labels.Task;
import org.junit.jupiter.api.Test;

/** The per-face result value on hand cases: derived labels, the 7-to-5 race grouping, copies, checks. */
class FaceAttributesTest {
    private static final double[] AGE_GROUP = {0, 0, 0.05, 0.6, 0.3, 0.05, 0, 0, 0};
    private static final double[] GENDER = {0.2, 0.8};
    // White .1, Black .05, Latino .2, East Asian .3, Southeast Asian .15, Indian .12, Middle Eastern .08
    private static final double[] RACE = {0.1, 0.05, 0.2, 0.3, 0.15, 0.12, 0.08};
    private static final double[] EMOTION = {0.1, 0.7, 0.05, 0.05, 0.04, 0.03, 0.03};

    private static FaceAttributes.Builder base() {
        return FaceAttributes.builder().setModel("m1").setAge(27.5, 4.2).setAgeGroup(AGE_GROUP).setGender(GENDER)
                .setEmotion(EMOTION);
    }

    @Test
    void derivedLabelsAreTheMostProbableClasses() {
        FaceAttributes f = base().optRace(RACE).build();
        assertEquals("m1", f.modelName());
        assertEquals(27.5, f.ageMean());
        assertEquals(4.2, f.ageStd());
        assertEquals("20-29", f.label(Task.AGE_GROUP));
        assertEquals(0.6, f.probability(Task.AGE_GROUP));
        assertEquals("female", f.label(Task.GENDER));
        assertEquals(0.8, f.probability(Task.GENDER));
        assertEquals("East Asian", f.label(Task.RACE));
        assertEquals(3, f.index(Task.RACE));
        assertEquals(0.3, f.probability(Task.RACE));
        assertEquals("happiness", f.label(Task.EMOTION));
        assertEquals(0.7, f.probability(Task.EMOTION));
        assertTrue(f.has(Task.RACE));
    }

    @Test
    void race5SumsTheGroupedProbabilities() {
        FaceAttributes f = base().optRace(RACE).build();
        // Asian = .3 + .15, Others = .2 + .08: Asian wins although no single 7-class race has .45
        assertArrayEquals(new double[] {0.1, 0.05, 0.45, 0.12, 0.28}, f.race5Probabilities(), 1e-12);
        assertEquals("Asian", race5(f));
        assertEquals(0.45, race5P(f), 1e-12);
        // Summing can change the winner: White leads the 7 classes, but Latino_Hispanic + Middle
        // Eastern make Others the most probable of the 5.
        FaceAttributes g = base().optRace(new double[] {0.35, 0.05, 0.2, 0.05, 0.05, 0.05, 0.25}).build();
        assertEquals("White", g.label(Task.RACE));
        assertEquals("Others", race5(g));
        assertEquals(0.45, race5P(g), 1e-12);
    }

    @Test
    void withoutRaceTheRaceGettersSaySo() {
        FaceAttributes f = base().build();
        assertFalse(f.has(Task.RACE));
        assertNull(f.label(Task.RACE));
        assertNull(f.probabilities(Task.RACE));
        assertNull(race5(f));
        assertNull(f.race5Probabilities());
        assertEquals(-1, f.index(Task.RACE));
        assertThrows(IllegalArgumentException.class, () -> f.probabilities(Task.AGE), "age is no class task");
        assertTrue(Double.isNaN(f.probability(Task.RACE)));
        assertTrue(Double.isNaN(race5P(f)));
        assertTrue(f.toString().contains("no race"), f.toString());
    }

    @Test
    void arraysAreCopiedInAndOut() {
        double[] emotion = EMOTION.clone();
        FaceAttributes f = base().setEmotion(emotion).optRace(RACE).build();
        emotion[1] = 0;
        assertEquals(0.7, f.probability(Task.EMOTION));
        f.probabilities(Task.EMOTION)[1] = 0;
        f.probabilities(Task.RACE)[3] = 0;
        f.probabilities(Task.AGE_GROUP)[3] = 0;
        f.probabilities(Task.GENDER)[1] = 0;
        assertEquals("happiness", f.label(Task.EMOTION));
        assertEquals("East Asian", f.label(Task.RACE));
        assertEquals("20-29", f.label(Task.AGE_GROUP));
        assertEquals("female", f.label(Task.GENDER));
        assertEquals(base().optRace(RACE).build(), f);
        assertNotEquals(base().build(), f);
    }

    @Test
    void tiesGoToTheFirstClass() {
        FaceAttributes f = base().setGender(new double[] {0.5, 0.5}).build();
        assertEquals("male", f.label(Task.GENDER));
    }

    @Test
    void ageComesFromTheBinDistribution() {
        double[] p = new double[101];
        p[20] = 0.25;
        p[30] = 0.5;
        p[40] = 0.25;
        FaceAttributes f = base().setAgeDistribution(p).build();
        assertEquals(30.0, f.ageMean(), 1e-12);
        assertEquals(Math.sqrt(50), f.ageStd(), 1e-12); // .25*100 + .25*100
    }

    @Test
    void invalidInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> base().setGender(new double[] {0.5, 0.2}));
        assertThrows(IllegalArgumentException.class, () -> base().setGender(new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> base().optRace(new double[5]));
        assertThrows(IllegalArgumentException.class, () -> base().setEmotion(new double[] {1.2, -0.2, 0, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> base().setEmotion(new double[] {Double.NaN, 1, 0, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> base().setAge(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> base().setAge(20, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> base().setAgeDistribution(new double[100]));
        assertThrows(IllegalArgumentException.class, () -> base().setModel(" "));
        assertThrows(IllegalStateException.class,
                () -> FaceAttributes.builder().setModel("m").setAgeGroup(AGE_GROUP).setGender(GENDER).build());
        // float32 softmax outputs do not sum to exactly 1
        base().setGender(new double[] {0.3f, 0.7f}).build();
    }

    /** The most probable UTKFace race of the summed probabilities, or null without race. */
    private static String race5(FaceAttributes f) {
        double[] p = f.race5Probabilities();
        return p == null ? null : LabelSpaces.RACE_UTKFACE.className(argmax(p));
    }

    private static double race5P(FaceAttributes f) {
        double[] p = f.race5Probabilities();
        return p == null ? Double.NaN : p[argmax(p)];
    }

    /** @return the index of the largest value, the first on a tie */
    private static int argmax(double[] p) {
        return java.util.stream.IntStream.range(0, p.length).reduce((i, j) -> p[j] > p[i] ? j : i).orElseThrow();
    }
}

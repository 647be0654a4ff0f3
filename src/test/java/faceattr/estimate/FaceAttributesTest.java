package faceattr.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals("20-29", f.ageGroup());
        assertEquals(0.6, f.ageGroupP());
        assertEquals("female", f.gender());
        assertEquals(0.8, f.genderP());
        assertEquals("East Asian", f.race());
        assertEquals(3, f.raceIndex());
        assertEquals(0.3, f.raceP());
        assertEquals("happiness", f.emotion());
        assertEquals(0.7, f.emotionP());
        assertTrue(f.hasRace());
    }

    @Test
    void race5SumsTheGroupedProbabilities() {
        FaceAttributes f = base().optRace(RACE).build();
        // Asian = .3 + .15, Others = .2 + .08: Asian wins although no single 7-class race has .45
        assertArrayEquals(new double[] {0.1, 0.05, 0.45, 0.12, 0.28}, f.race5Probabilities(), 1e-12);
        assertEquals("Asian", f.race5());
        assertEquals(0.45, f.race5P(), 1e-12);
        // Summing can change the winner: White leads the 7 classes, but Latino_Hispanic + Middle
        // Eastern make Others the most probable of the 5.
        FaceAttributes g = base().optRace(new double[] {0.35, 0.05, 0.2, 0.05, 0.05, 0.05, 0.25}).build();
        assertEquals("White", g.race());
        assertEquals("Others", g.race5());
        assertEquals(0.45, g.race5P(), 1e-12);
    }

    @Test
    void withoutRaceTheRaceGettersSaySo() {
        FaceAttributes f = base().build();
        assertFalse(f.hasRace());
        assertNull(f.race());
        assertNull(f.raceProbabilities());
        assertNull(f.race5());
        assertNull(f.race5Probabilities());
        assertEquals(-1, f.raceIndex());
        assertTrue(Double.isNaN(f.raceP()));
        assertTrue(Double.isNaN(f.race5P()));
        assertTrue(f.toString().contains("no race"), f.toString());
    }

    @Test
    void arraysAreCopiedInAndOut() {
        double[] emotion = EMOTION.clone();
        FaceAttributes f = base().setEmotion(emotion).optRace(RACE).build();
        emotion[1] = 0;
        assertEquals(0.7, f.emotionP());
        f.emotionProbabilities()[1] = 0;
        f.raceProbabilities()[3] = 0;
        f.ageGroupProbabilities()[3] = 0;
        f.genderProbabilities()[1] = 0;
        assertEquals("happiness", f.emotion());
        assertEquals("East Asian", f.race());
        assertEquals("20-29", f.ageGroup());
        assertEquals("female", f.gender());
        assertEquals(base().optRace(RACE).build(), f);
        assertNotEquals(base().build(), f);
    }

    @Test
    void tiesGoToTheFirstClass() {
        FaceAttributes f = base().setGender(new double[] {0.5, 0.5}).build();
        assertEquals("male", f.gender());
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
}

package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics against hand-computed cases. */
class EvaluationTest {
    private static Evaluation.Prediction ages(double truth, double predicted) {
        return new Evaluation.Prediction(LabelSet.NONE.with(Target.AGE, truth),
                LabelSet.NONE.with(Target.AGE, predicted));
    }

    @Test
    void ageMaeAndCumulativeScore() {
        // errors 2, 5, 10, 0 -> MAE 17 / 4 = 4.25; within 5 years: 3 of 4
        Map<String, Double> m = Evaluation.metrics(List.of(ages(20, 22), ages(30, 25), ages(40, 50), ages(8, 8)));
        assertEquals(4.25, m.get("age_mae"), 1e-12);
        assertEquals(0.75, m.get("age_cs5"), 1e-12);
        assertFalse(m.containsKey("gender_acc"), "no gender label, no gender metric");
    }

    private static Evaluation.Prediction emotion(int truth, int predicted) {
        return new Evaluation.Prediction(LabelSet.NONE.with(Target.EMOTION, truth),
                LabelSet.NONE.with(Target.EMOTION, predicted));
    }

    @Test
    void emotionAccuracyMeanClassAccuracyAndConfusion() {
        // class 1 (happiness): 3 of 4 right; class 6 (surprise): 0 of 1; class 0 (neutral): 1 of 1
        List<Evaluation.Prediction> p = List.of(emotion(1, 1), emotion(1, 1), emotion(1, 1), emotion(1, 0),
                emotion(6, 1), emotion(0, 0));
        Map<String, Double> m = Evaluation.metrics(p);
        assertEquals(4 / 6.0, m.get("emotion_acc"), 1e-12);
        assertEquals((0.75 + 0 + 1) / 3, m.get("emotion_mean_class_acc"), 1e-12);
        int[][] c = Evaluation.confusions(p).get("emotion");
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0}, c[0]);
        assertArrayEquals(new int[] {1, 3, 0, 0, 0, 0, 0}, c[1]);
        assertArrayEquals(new int[] {0, 1, 0, 0, 0, 0, 0}, c[6]);
    }

    @Test
    void fairnessBreakdownByGenderAndRace() {
        // women: 2 of 2 gender right; men: 1 of 2. Race5 Asian: 1 right of 1; White: 0 of 1.
        LabelSet womanAsian = LabelSet.NONE.with(Target.GENDER, 1).with(Target.RACE5, 2);
        LabelSet womanWhite = LabelSet.NONE.with(Target.GENDER, 1).with(Target.RACE5, 0);
        LabelSet man = LabelSet.NONE.with(Target.GENDER, 0);
        List<Evaluation.Prediction> p = List.of(
                new Evaluation.Prediction(womanAsian, LabelSet.NONE.with(Target.GENDER, 1).with(Target.RACE5, 2)),
                new Evaluation.Prediction(womanWhite, LabelSet.NONE.with(Target.GENDER, 1).with(Target.RACE5, 3)),
                new Evaluation.Prediction(man, LabelSet.NONE.with(Target.GENDER, 0)),
                new Evaluation.Prediction(man, LabelSet.NONE.with(Target.GENDER, 1)));
        Map<String, Map<String, Double>> g = Evaluation.byGroup(p);
        assertEquals(1.0, g.get("gender=female").get("gender_acc"), 1e-12);
        assertEquals(0.5, g.get("gender=male").get("gender_acc"), 1e-12);
        assertEquals(1.0, g.get("race5=Asian").get("race5_acc"), 1e-12);
        assertEquals(0.0, g.get("race5=White").get("race5_acc"), 1e-12);
        assertEquals(1.0, g.get("race5=White").get("gender_acc"), 1e-12);
        assertFalse(g.containsKey("race5=Black"));
        assertEquals(0.75, Evaluation.metrics(p).get("gender_acc"), 1e-12);
    }
}

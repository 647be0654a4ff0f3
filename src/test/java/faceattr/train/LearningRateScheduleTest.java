package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void linearWarmUpThenCosineDecayToOnePercent() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110);
        assertEquals(1e-4, s.at(1), 1e-12);
        assertEquals(5e-4, s.at(5), 1e-12);
        assertEquals(1e-3, s.at(10), 1e-12);
        assertEquals(1e-5 + 0.5 * (1e-3 - 1e-5), s.at(60), 1e-12, "half way through the decay");
        assertEquals(1e-5, s.at(110), 1e-12);
        assertEquals(1e-5, s.at(500), 1e-12, "past the end it stays at the floor");
        for (long step = 11; step < 110; step++) {
            assertTrue(s.at(step) > s.at(step + 1), "decays at step " + step);
        }
    }

    @Test
    void theOptionsGiveWarmUpInEpochsAndTheWholeRun() {
        TrainOptions o = TrainOptions.builder().setName("m").optEpochs(3).optWarmupEpochs(0.5)
                .optLearningRate(2e-3).build();
        assertEquals(new LearningRateSchedule(2e-3, 2, 12), LearningRateSchedule.of(o, 4));
        LearningRateSchedule none = LearningRateSchedule.of(o.toBuilder().optWarmupEpochs(0).build(), 4);
        assertTrue(none.at(1) < 2e-3 && none.at(1) > 1.9e-3, "no warm-up: the first step is near the peak");
    }
}

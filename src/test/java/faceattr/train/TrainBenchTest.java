package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The training benchmark runs real steps (not a timing assertion: speed is measured by faceattr bench). */
class TrainBenchTest {
    @Test
    void timesRealTrainingSteps() throws Exception {
        double ms = FaceTrainer.benchmarkStepMillis(112, 2, 1);
        assertTrue(ms > 0 && Double.isFinite(ms), "ms per step: " + ms);
    }
}

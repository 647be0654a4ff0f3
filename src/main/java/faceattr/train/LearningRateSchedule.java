package faceattr.train;

/**
 * The learning rate of each step: a linear warm-up from 0 to the peak, then a cosine decay to 1 %
 * of the peak at the last step. A function of the step alone, so a resumed run continues it.
 *
 * @param peak the largest learning rate
 * @param warmupSteps steps of warm-up (may be fractional, or 0 for none)
 * @param totalSteps steps of the whole run
 */
record LearningRateSchedule(double peak, double warmupSteps, long totalSteps) {
    /**
     * @param o the options (peak and warm-up epochs)
     * @param stepsPerEpoch steps in one epoch
     * @return the schedule of a run of {@code o.epochs()} epochs
     */
    static LearningRateSchedule of(TrainOptions o, int stepsPerEpoch) {
        return new LearningRateSchedule(o.learningRate(), o.warmupEpochs() * stepsPerEpoch,
                (long) stepsPerEpoch * o.epochs());
    }

    /**
     * @param step the step, from 1
     * @return its learning rate
     */
    double at(long step) {
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        double t = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        double min = peak * 0.01;
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t)));
    }
}

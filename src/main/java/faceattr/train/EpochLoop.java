package faceattr.train;

import ai.djl.engine.Engine;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.data.Sample;
import faceattr.labels.LabelSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training steps of one epoch: the epoch's sample order, the batches of augmented crops, the
 * learning rate of each step, and the progress line. Everything random is seeded by the epoch and
 * the step, never by what ran before, so an epoch run after a resume is the epoch an uninterrupted
 * run would have had.
 */
final class EpochLoop {
    private final TrainOptions o;
    private final List<Sample> train;
    private final UsableCrops crops;
    private final TrainingStep step;
    private final Progress progress;
    private final Engine engine;
    private final Augmenter augmenter;
    private final int epochSize;
    private final int stepsPerEpoch;
    private final LearningRateSchedule schedule;
    private final int loaderThreads;

    /**
     * @param o the options
     * @param train the training samples
     * @param crops their crops
     * @param step the optimisation step
     * @param progress progress and cancellation (checked before every step)
     * @param engine the engine, whose seed sets the dropout masks
     * @param loaderThreads how many threads read and augment the crops of a batch ({@link #loaderThreads(int, int)})
     */
    EpochLoop(TrainOptions o, List<Sample> train, UsableCrops crops, TrainingStep step, Progress progress,
            Engine engine, int loaderThreads) {
        this.loaderThreads = Math.max(1, loaderThreads);
        this.o = o;
        this.train = train;
        this.crops = crops;
        this.step = step;
        this.progress = progress;
        this.engine = engine;
        this.augmenter = new Augmenter(o.augment());
        this.epochSize = o.epochSize() > 0 ? o.epochSize() : train.size();
        this.stepsPerEpoch = (epochSize + o.batch() - 1) / o.batch();
        this.schedule = LearningRateSchedule.of(o, stepsPerEpoch);
    }

    /**
     * Runs the epoch's steps, counting them in {@code state.step}.
     *
     * @param epoch the epoch, from 0
     * @param state the run's state
     * @return the mean training loss over the epoch's faces, NaN when no step ran
     * @throws FaceAttrException when the loss or the gradients stop being finite
     * @throws faceattr.core.CancelledException when cancelled
     */
    double run(int epoch, TrainingState state) throws FaceAttrException {
        long t0 = System.nanoTime();
        int[] order = order(epoch);
        double lossSum = 0;
        int lossCount = 0;
        // Crops are read and augmented on the loader's threads, up to two batches ahead of the step.
        ExecutorService workers = loaderThreads > 1 ? Executors.newFixedThreadPool(loaderThreads, r -> {
            Thread t = new Thread(r, "faceattr-loader-worker");
            t.setDaemon(true);
            return t;
        }) : null;
        try (Prefetcher<Batch> batches = new Prefetcher<>(stepsPerEpoch, PREFETCH, "faceattr-loader",
                b -> batch(order, epoch, b, workers))) {
            for (int b = 0; b < stepsPerEpoch; b++) {
                progress.checkCancelled();
                Batch batch = batches.next();
                if (batch.crops().size() < 2) {
                    continue; // BatchNorm needs two samples
                }
                long n = state.step + 1;
                double lr = schedule.at(n);
                engine.setRandomSeed((int) (o.seed() * 31 + n)); // dropout masks repeat on resume
                Map<String, Double> parts = new LinkedHashMap<>();
                double value = step.run(batch.crops(), batch.labels(), lr, epoch, b, parts);
                state.step = n;
                lossSum += value * batch.crops().size();
                lossCount += batch.crops().size();
                report(epoch, b, value, parts, lr, lossCount / Math.max(1e-9, (System.nanoTime() - t0) / 1e9));
            }
        } finally {
            if (workers != null) {
                workers.shutdownNow();
            }
        }
        return lossCount == 0 ? Double.NaN : lossSum / lossCount;
    }

    /** @return the epoch's sample order: indices into the training samples, a function of the epoch */
    int[] order(int epoch) {
        return EpochPlan.order(train, o.ratios(), epochSize, o.classBalanced() ? EpochPlan::balanceClass : null,
                o.seed(), epoch);
    }

    /** The crops and labels of one step. */
    record Batch(List<RgbImage> crops, List<LabelSet> labels) {
    }

    /** How many batches the loader makes ahead of the step. */
    static final int PREFETCH = 2;

    /**
     * How many threads read and augment crops. On the CPU the step's own threads use the cores, and
     * the prefetching thread alone keeps ahead of a step of a second or more; a GPU step takes tens
     * of milliseconds, as long as decoding a few JPEGs, so a GPU run gets the spare cores (at most 8).
     *
     * @param gpu the training device, -1 for the CPU
     * @param cores the machine's cores
     * @return the number of loader threads
     */
    static int loaderThreads(int gpu, int cores) {
        return gpu < 0 ? 1 : Math.max(1, Math.min(8, cores - 1));
    }

    /**
     * Batch {@code b} of an epoch: a function of the epoch's order, the epoch and b only, whichever
     * thread makes each crop.
     */
    Batch batch(int[] order, int epoch, int b, ExecutorService workers) throws FaceAttrException {
        int from = b * o.batch();
        int to = Math.min(order.length, (b + 1) * o.batch());
        RgbImage[] made = new RgbImage[to - from];
        if (workers == null) {
            for (int j = from; j < to; j++) {
                made[j - from] = sampleCrop(order, epoch, j);
            }
        } else {
            List<Future<RgbImage>> jobs = new ArrayList<>();
            for (int j = from; j < to; j++) {
                final int k = j;
                jobs.add(workers.submit(() -> sampleCrop(order, epoch, k)));
            }
            try {
                for (int i = 0; i < jobs.size(); i++) {
                    made[i] = jobs.get(i).get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new faceattr.core.CancelledException();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new FaceAttrException("cannot read the crops of step " + (b + 1) + ": " + e.getCause());
            }
        }
        List<RgbImage> batchCrops = new ArrayList<>();
        List<LabelSet> batchLabels = new ArrayList<>();
        for (int j = from; j < to; j++) {
            if (made[j - from] != null) {
                batchCrops.add(made[j - from]);
                batchLabels.add(train.get(order[j]).labels());
            }
        }
        return new Batch(batchCrops, batchLabels);
    }

    /** The augmented crop of the epoch's j-th sample, seeded by the epoch and j; null when unusable. */
    private RgbImage sampleCrop(int[] order, int epoch, int j) {
        RgbImage c = crops.crop(train.get(order[j]));
        return c == null ? null : augmenter.apply(c, new Random(o.seed() * 7_919L + (long) epoch * 1_000_003L + j));
    }

    private void report(int epoch, int b, double loss, Map<String, Double> parts, double lr, double rate) {
        long totalSteps = schedule.totalSteps();
        long done = (long) epoch * stepsPerEpoch + b + 1;
        progress.report((double) done / totalSteps, String.format(Locale.ROOT,
                "epoch %d/%d step %d/%d loss %.4f (%s) lr %.2e %.1f img/s ETA %s", epoch + 1, o.epochs(), b + 1,
                stepsPerEpoch, loss, History.describe(parts), lr, rate,
                eta((totalSteps - done) * o.batch() / Math.max(rate, 1e-9))));
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}

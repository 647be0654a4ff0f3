package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.Progress;
import faceattr.data.DatasetFixtures;
import faceattr.data.DatasetKind;
import faceattr.data.Sample;
import faceattr.data.Splits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's threads (a GPU run reads and augments a batch's crops on several) make exactly the
 * batches one thread makes, in the same order, and report an unreadable image once.
 */
class LoaderThreadsTest {
    @TempDir
    Path tmp;

    @Test
    void fourThreadsMakeTheBatchesOfOne() throws Exception {
        Random r = new Random(5);
        List<Integer> train = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            train.add(1 + r.nextInt(7));
        }
        DatasetFixtures.rafdb(tmp.resolve("rafdb"), train, List.of(1, 2), new SyntheticFaces(9, false));
        List<Sample> samples = Splits.apply(DatasetKind.RAFDB.load(tmp.resolve("rafdb")).samples(),
                Splits.Options.DEFAULT).stream().filter(s -> s.split() == faceattr.data.Split.TRAIN).toList();
        Sample broken = samples.get(3);
        Files.write(broken.image(), new byte[] {1, 2, 3}); // unreadable: skipped, reported once
        TrainOptions o = TrainOptions.builder().setName("loader").optEpochs(2).optBatch(8).optSeed(4).build();
        List<String> log1 = Collections.synchronizedList(new ArrayList<>());
        List<String> log4 = Collections.synchronizedList(new ArrayList<>());
        EpochLoop one = new EpochLoop(o, samples, new UsableCrops(new CropSource(112, null, () -> null, ""),
                log1::add), null, Progress.NONE, null, 1);
        EpochLoop four = new EpochLoop(o, samples, new UsableCrops(new CropSource(112, null, () -> null, ""),
                log4::add), null, Progress.NONE, null, 4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            int batches = 0;
            for (int epoch = 0; epoch < 2; epoch++) {
                int[] order = one.order(epoch);
                assertArrayEquals(order, four.order(epoch));
                for (int b = 0; b * 8 < order.length; b++) {
                    EpochLoop.Batch a = one.batch(order, epoch, b, null);
                    EpochLoop.Batch c = four.batch(order, epoch, b, pool);
                    assertEquals(a.labels(), c.labels(), "epoch " + epoch + " batch " + b);
                    assertEquals(a.crops().size(), c.crops().size());
                    for (int i = 0; i < a.crops().size(); i++) {
                        assertArrayEquals(a.crops().get(i).pixels(), c.crops().get(i).pixels(),
                                "epoch " + epoch + " batch " + b + " crop " + i);
                    }
                    batches++;
                }
            }
            assertTrue(batches >= 8, "only " + batches + " batches");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, log1.size(), String.valueOf(log1));
        assertEquals(log1, log4);
        assertTrue(log4.get(0).contains(broken.id()), log4.get(0));
        assertEquals(1, EpochLoop.loaderThreads(-1, 16));
        assertEquals(8, EpochLoop.loaderThreads(0, 16));
        assertEquals(1, EpochLoop.loaderThreads(0, 2));
    }
}

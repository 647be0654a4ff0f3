package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.data.DatasetFixtures;
import faceattr.data.DatasetKind;
import faceattr.data.Sample;
import faceattr.data.Splits;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped in the middle of an epoch and resumed ends with exactly the weights of one that was not. */
class ResumeTest {
    @TempDir
    static Path tmp;
    private static List<Sample> samples;

    @BeforeAll
    static void data() throws Exception {
        Random r = new Random(3);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            (i < 32 ? train : test).add(1 + r.nextInt(7));
        }
        DatasetFixtures.rafdb(tmp.resolve("rafdb"), train, test, new SyntheticFaces(5, false));
        samples = Splits.apply(DatasetKind.RAFDB.load(tmp.resolve("rafdb")).samples(), Splits.Options.DEFAULT);
    }

    private static TrainOptions options(int epochs) {
        return TrainOptions.builder().setName("resume").optEpochs(epochs).optBatch(8).optWeightDecay(0.01)
                .optWarmupEpochs(0.5).optPatience(0).optSeed(11).optBnMomentum(0.1).build();
    }

    private static CropSource crops() {
        return new CropSource(112, null, () -> null, "");
    }

    private static SafeTensorsFile checkpoint(Path model) throws FaceAttrException {
        return SafeTensorsReader.read(FaceTrainer.trainingDir(model).resolve("checkpoint/parameters.safetensors"));
    }

    @Test
    void stoppedMidEpochThenResumedGivesTheSameWeights() throws Exception {
        Path straight = tmp.resolve("straight");
        new FaceTrainer(options(3)).run(samples, crops(), straight, false, Progress.NONE, l -> { });

        Path resumed = tmp.resolve("resumed");
        int[] reports = {0};
        Progress stopInEpochTwo = new Progress() {
            @Override
            public void report(double fraction, String message) {
                reports[0]++;
            }

            @Override
            public boolean isCancelled() {
                return reports[0] >= 6; // 4 steps per epoch: the 3rd step of epoch 2
            }
        };
        assertThrows(CancelledException.class, () -> new FaceTrainer(options(3)).run(samples, crops(), resumed, false,
                stopInEpochTwo, l -> { }));
        String state = Files.readString(FaceTrainer.trainingDir(resumed).resolve("checkpoint/state.json"));
        assertTrue(state.contains("\"epoch\": 1"), state);
        List<String> log = new ArrayList<>();
        FaceTrainer.Result r = new FaceTrainer(options(3)).run(samples, crops(), resumed, true, Progress.NONE,
                log::add);
        assertTrue(log.get(0).startsWith("resuming after epoch 1"), log.toString());
        assertEquals(3, r.epochsRun());

        SafeTensorsFile a = checkpoint(straight);
        SafeTensorsFile b = checkpoint(resumed);
        assertEquals(a.names(), b.names());
        for (String n : a.names()) {
            assertArrayEquals(a.tensor(n).toFloatArray(), b.tensor(n).toFloatArray(), 0f, n);
        }
        assertEquals(Files.readString(FaceTrainer.trainingDir(straight).resolve("history.csv")).lines()
                .map(l -> l.replaceAll(",[^,]*$", "")).toList(), Files.readString(FaceTrainer.trainingDir(resumed)
                .resolve("history.csv")).lines().map(l -> l.replaceAll(",[^,]*$", "")).toList(),
                "the same losses and metrics, epoch by epoch (seconds aside)");
    }

    @Test
    void checkpointsRecordNoDeviceSoARunResumesOnEither() throws Exception {
        Path model = tmp.resolve("devicefree");
        new FaceTrainer(options(1), -1).run(samples, crops(), model, false, Progress.NONE, l -> { });
        Path dir = FaceTrainer.trainingDir(model).resolve("checkpoint");
        for (String f : List.of("parameters.safetensors", "optimizer.safetensors")) {
            byte[] bytes = Files.readAllBytes(dir.resolve(f));
            long n = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(header.contains("\"dtype\":\"F32\""), header.substring(0, Math.min(200, header.length())));
            for (String word : List.of("device", "cuda", "gpu", "cpu")) {
                assertTrue(!header.toLowerCase(java.util.Locale.ROOT).contains(word), f + " mentions " + word);
            }
        }
        String state = Files.readString(dir.resolve("state.json")).toLowerCase(java.util.Locale.ROOT);
        assertTrue(!state.contains("device") && !state.contains("gpu"), state);
        // The device is not part of the options a resume must match: the same run continues.
        FaceTrainer.Result r = new FaceTrainer(options(2), -1).run(samples, crops(), model, true, Progress.NONE,
                l -> { });
        assertEquals(2, r.epochsRun());
    }

    @Test
    void resumingWithOtherOptionsIsRefused() throws Exception {
        Path model = tmp.resolve("other");
        new FaceTrainer(options(1)).run(samples, crops(), model, false, Progress.NONE, l -> { });
        TrainOptions changed = options(2).toBuilder().optBatch(16).build();
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> new FaceTrainer(changed).run(samples, crops(),
                model, true, Progress.NONE, l -> { }));
        assertTrue(e.getMessage().contains("batch=8") && e.getMessage().contains("batch=16"), e.getMessage());
        // a fresh run into the same folder would overwrite the model and the checkpoint: refused
        FaceAttrException fresh = assertThrows(FaceAttrException.class, () -> new FaceTrainer(options(1)).run(samples,
                crops(), model, false, Progress.NONE, l -> { }));
        assertTrue(fresh.getMessage().contains("--resume"), fresh.getMessage());
        // other data (here: half the samples) is another run, not a continuation
        FaceAttrException data = assertThrows(FaceAttrException.class, () -> new FaceTrainer(options(2)).run(
                samples.subList(0, samples.size() / 2), crops(), model, true, Progress.NONE, l -> { }));
        assertTrue(data.getMessage().contains("data="), data.getMessage());
        // more epochs with the same options is a continuation, not a change
        FaceTrainer.Result r = new FaceTrainer(options(2)).run(samples, crops(), model, true, Progress.NONE, l -> { });
        assertEquals(2, r.epochsRun());
    }

    @Test
    void aDivergingRunStopsWithAClearMessageAndNeverSavesNaNs() throws Exception {
        // A learning rate of 1e9 with clipping off sends the weights to infinity within a few steps.
        TrainOptions wild = options(3).toBuilder().optLearningRate(1e9).optWarmupEpochs(0).optClipNorm(0).build();
        Path model = tmp.resolve("wild");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> new FaceTrainer(wild).run(samples, crops(),
                model, false, Progress.NONE, l -> { }));
        assertTrue(e.getMessage().matches("(?s)the (loss|gradients) became (NaN|Infinity|-Infinity).*epoch \\d+, batch \\d+.*--lr.*"),
                e.getMessage());
        for (Path f : new Path[] {model.resolve("parameters.safetensors"),
            FaceTrainer.trainingDir(model).resolve("checkpoint/parameters.safetensors")}) {
            if (Files.exists(f)) {
                SafeTensorsFile saved = SafeTensorsReader.read(f);
                for (String n : saved.names()) {
                    for (float v : saved.tensor(n).toFloatArray()) {
                        assertTrue(Float.isFinite(v), f + " " + n + " holds " + v);
                    }
                }
            }
        }
    }
}

package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.Progress;
import faceattr.data.DatasetFixtures;
import faceattr.data.DatasetKind;
import faceattr.data.Sample;
import faceattr.data.Splits;
import faceattr.labels.LabelSpaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that training learns: small datasets in the exact UTKFace, FairFace and RAF-DB formats,
 * drawn so that the pixels carry the labels ({@link SyntheticFaces}), mixed in one multi-task
 * run on the CPU; every head must beat chance by a wide margin on held-out data.
 */
class LearningTest {
    @TempDir
    static Path tmp;

    static List<Sample> generate(Path root, boolean shuffle, long seed) throws Exception {
        Random r = new Random(seed);
        SyntheticFaces painter = new SyntheticFaces(seed, shuffle);
        List<int[]> utk = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            utk.add(new int[] {1 + r.nextInt(85), r.nextInt(2), r.nextInt(5)});
        }
        DatasetFixtures.utkface(root.resolve("utk"), utk, painter);
        List<String[]> ffTrain = new ArrayList<>();
        List<String[]> ffVal = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String[] row = {LabelSpaces.AGE_GROUP.className(r.nextInt(9)), r.nextBoolean() ? "Male" : "Female",
                LabelSpaces.RACE_FAIRFACE.className(r.nextInt(7))};
            (i < 160 ? ffTrain : ffVal).add(row);
        }
        DatasetFixtures.fairface(root.resolve("fairface"), ffTrain, ffVal, painter);
        List<Integer> rafTrain = new ArrayList<>();
        List<Integer> rafTest = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            (i < 160 ? rafTrain : rafTest).add(1 + r.nextInt(7));
        }
        DatasetFixtures.rafdb(root.resolve("rafdb"), rafTrain, rafTest, painter);
        List<Sample> all = new ArrayList<>();
        all.addAll(DatasetKind.UTKFACE.load(root.resolve("utk")).samples());
        all.addAll(DatasetKind.FAIRFACE.load(root.resolve("fairface")).samples());
        all.addAll(DatasetKind.RAFDB.load(root.resolve("rafdb")).samples());
        return Splits.apply(all, Splits.Options.DEFAULT);
    }

    static TrainOptions options(int epochs) {
        return TrainOptions.builder().setName("synthetic").optEpochs(epochs).optBatch(16).optWeightDecay(0.01)
                .optWarmupEpochs(0.5).optAugment(Augmenter.Options.NONE).optPatience(0).optBnMomentum(0.1).build();
    }

    @Test
    void allHeadsBeatChanceOnHeldOutData() throws Exception {
        List<Sample> samples = generate(tmp.resolve("data"), Boolean.getBoolean("faceattr.test.brokenLabels"), 1);
        CropSource crops = new CropSource(112, null, () -> {
            throw new IllegalStateException("the generated sets are aligned");
        }, "");
        List<String> log = new ArrayList<>();
        FaceTrainer.Result r = new FaceTrainer(options(10)).run(samples, crops, tmp.resolve("model"), false,
                Progress.NONE, line -> {
                    log.add(line);
                    System.out.println(line);
                });
        Map<String, Double> m = r.bestMetrics();
        String all = String.join("\n", log);
        // chance: gender 0.5, emotion and race 1/7, age group about 1/9; age MAE of a constant guess about 21
        assertTrue(m.get("gender_acc") >= 0.85, all);
        assertTrue(m.get("emotion_acc") >= 0.6, all);
        assertTrue(m.get("race7_acc") >= 0.3, all);
        assertTrue(m.get("race5_acc") >= 0.4, all);
        assertTrue(m.get("age_group_acc") >= 0.2, all);
        assertTrue(m.get("age_mae") <= 15, all);
    }
}

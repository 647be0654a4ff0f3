package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import faceattr.labels.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TrainOptionsTest {
    private static String refused(UnaryOperator<TrainOptions.Builder> change) {
        TrainOptions.Builder b = change.apply(TrainOptions.builder().setName("m"));
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void anOptionOutOfRangeIsRefusedNamingTheFlagItsRangeAndTheValue() {
        assertEquals("--lr must be greater than 0, was 0", refused(b -> b.optLearningRate(0)));
        assertEquals("--lr must be greater than 0, was NaN", refused(b -> b.optLearningRate(Double.NaN)));
        assertEquals("--lr must be greater than 0, was -0.001", refused(b -> b.optLearningRate(-1e-3)));
        assertEquals("--bn-momentum must be in (0, 1], was 3", refused(b -> b.optBnMomentum(3)));
        assertEquals("--bn-momentum must be in (0, 1], was 0", refused(b -> b.optBnMomentum(0)));
        assertEquals("--batch must be at least 2 (BatchNorm needs two faces), was 1", refused(b -> b.optBatch(1)));
        assertEquals("--epochs must be at least 1, was 0", refused(b -> b.optEpochs(0)));
        assertEquals("--epoch-size must be at least 0, was -5", refused(b -> b.optEpochSize(-5)));
        assertEquals("--patience must be at least 0, was -1", refused(b -> b.optPatience(-1)));
        assertEquals("--input must be one of [112, 128, 160, 224], was 100", refused(b -> b.optInputSize(100)));
        assertEquals("--branch must be in [0, 7], was 8", refused(b -> b.optBranchPoint(8)));
        assertEquals("--branch must be in [0, 7], was -1", refused(b -> b.optBranchPoint(-1)));
        assertEquals("--tasks must name at least one task", refused(b -> b.optTasks(List.of())));
        assertEquals("--ratio rafdb must be at least 0, was -2", refused(b -> b.optRatios(Map.of("rafdb", -2.0))));
        assertEquals("the weight decay must be at least 0, was -0.5", refused(b -> b.optWeightDecay(-0.5)));
        assertEquals("the warm-up epochs must be at least 0, was -1", refused(b -> b.optWarmupEpochs(-1)));
        assertEquals("the gradient clipping norm must be at least 0, was -1", refused(b -> b.optClipNorm(-1)));
        assertEquals("--name must not be empty", refused(b -> b.setName(null)));
        assertEquals("--name must not be empty", refused(b -> b.setName(" ")));
    }

    @Test
    void theEdgesOfEachRangeAreAccepted() {
        TrainOptions o = TrainOptions.builder().setName("m").optLearningRate(1e9).optBnMomentum(1).optBatch(2)
                .optEpochs(1).optEpochSize(0).optPatience(0).optInputSize(224).optBranchPoint(0)
                .optTasks(List.of(Task.EMOTION)).optRatios(Map.of("rafdb", 0.0)).optWeightDecay(0)
                .optWarmupEpochs(0).optClipNorm(0).build();
        assertEquals(1e9, o.learningRate());
        assertEquals(List.of(Task.EMOTION), o.tasks());
        assertEquals(0, o.branchPoint());
    }

    @Test
    void theDefaultsAreTheDocumentedOnesAndToBuilderKeepsEveryOption() {
        TrainOptions d = TrainOptions.defaults("m");
        assertEquals(List.of(112, 7, 30, 32, 0, 5, 42L), List.of(d.inputSize(), d.branchPoint(), d.epochs(), d.batch(),
                d.epochSize(), d.patience(), d.seed()));
        assertEquals(List.of(1e-3, 0.05, 1.0, 5.0, 0.01), List.of(d.learningRate(), d.weightDecay(), d.warmupEpochs(),
                d.clipNorm(), d.bnMomentum()));
        assertEquals(List.of(Task.values()), d.tasks());
        assertEquals(Augmenter.Options.DEFAULT, d.augment());
        assertNull(d.init());

        TrainOptions o = TrainOptions.builder().setName("x").optInputSize(128).optBranchPoint(3)
                .optTasks(List.of(Task.AGE, Task.GENDER)).optEpochs(4).optBatch(6).optLearningRate(2e-3)
                .optWeightDecay(0.1).optWarmupEpochs(0.5).optClipNorm(2).optEpochSize(100)
                .optRatios(Map.of("utkface", 2.0)).optClassBalanced(true).optAugment(Augmenter.Options.NONE)
                .optPatience(3).optSeed(9).optInit(Path.of("/m")).optBnMomentum(0.1).build();
        TrainOptions copy = o.toBuilder().build();
        assertEquals(Checkpoint.fingerprint(o), Checkpoint.fingerprint(copy));
        assertEquals(List.of("x", 4, Path.of("/m")), List.of(copy.name(), copy.epochs(), copy.init()));
        // the fingerprint covers what a resume must share: a changed option shows in it
        assertEquals("input=128 branch=3 tasks=[age, gender] batch=6 lr=0.002 wd=0.1 warmup=0.5 clip=2.0 "
                + "epoch_size=100 ratios={utkface=2.0} balanced=true augment=" + Augmenter.Options.NONE
                + " seed=9 bn_momentum=0.1", Checkpoint.fingerprint(copy));
    }

    @Test
    void theNetworkHasTheChosenTasksInTheDefaultGrouping() {
        TrainOptions o = TrainOptions.builder().setName("m").optTasks(List.of(Task.EMOTION, Task.AGE))
                .optInputSize(160).optBranchPoint(5).build();
        assertEquals(List.of(Task.AGE, Task.EMOTION), o.modelConfig().tasks());
        assertEquals(160, o.modelConfig().inputSize());
        assertEquals(5, o.modelConfig().branchPoint());
    }
}

package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The device keys, and how a choice resolves against what an engine can use. */
class DeviceChoiceTest {
    @Test
    void keysParseAndPrintBack() {
        assertEquals(DeviceChoice.AUTO, DeviceChoice.parse(null));
        assertEquals(DeviceChoice.AUTO, DeviceChoice.parse(" Auto "));
        assertEquals(DeviceChoice.CPU, DeviceChoice.parse("cpu"));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.GPU, 0), DeviceChoice.parse("GPU"));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.GPU, 3), DeviceChoice.parse("gpu:3"));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.GPU, 1), DeviceChoice.parse("cuda:1"));
        for (String k : List.of("auto", "cpu", "gpu:0", "gpu:12")) {
            assertEquals(k, DeviceChoice.parse(k).key());
        }
        for (String bad : List.of("tpu", "gpu:", "gpu:-1", "gpu:x", "cpu:0", "gpu 1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse(bad));
            assertTrue(e.getMessage().contains("auto (the default), cpu, gpu or gpu:N"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new DeviceChoice(DeviceChoice.Kind.CPU, 1));
    }

    private static final Accelerators.Report NONE = new Accelerators.Report("x 1.0", "here", List.of(),
            "the natives are a CPU build; do this");
    private static final Accelerators.Report TWO = new Accelerators.Report("x 1.0", "here", List.of(
            new Accelerators.Gpu(0, "Card A", 80L << 30), new Accelerators.Gpu(1, "Card B", 0)), null);

    @Test
    void autoFallsBackSilentlyAndGpuExplainsWhy() throws Exception {
        Accelerators.Resolved r = Accelerators.resolve(DeviceChoice.AUTO, NONE, "training");
        assertFalse(r.isGpu());
        assertNull(r.notice(), "auto on a machine without a GPU says nothing");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> Accelerators.resolve(
                DeviceChoice.parse("gpu"), NONE, "training"));
        assertEquals("--device gpu:0: no usable GPU for training: the natives are a CPU build; do this. Or run on "
                + "the CPU with --device cpu.", e.getMessage());
    }

    @Test
    void autoTakesTheFirstGpuAndSaysSoAndGpuNPicksOne() throws Exception {
        Accelerators.Resolved r = Accelerators.resolve(DeviceChoice.AUTO, TWO, "inference");
        assertEquals(0, r.gpu());
        assertEquals("inference on gpu:0 Card A (80.0 GiB) (--device cpu for the CPU)", r.notice());
        r = Accelerators.resolve(DeviceChoice.parse("gpu:1"), TWO, "inference");
        assertEquals(1, r.gpu());
        assertNull(r.notice(), "asked for: nothing to announce");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> Accelerators.resolve(
                DeviceChoice.parse("gpu:2"), TWO, "inference"));
        assertTrue(e.getMessage().contains("there is no GPU 2") && e.getMessage().contains("Card B"), e.getMessage());
    }

    @Test
    void thisCpuBuildExplainsHowToGetAGpu() throws Exception {
        Accelerators.Report inference = Accelerators.inference();
        Accelerators.Report training = Accelerators.training();
        org.junit.jupiter.api.Assumptions.assumeFalse(inference.usable() || training.usable(),
                "this machine has a usable GPU");
        assertTrue(inference.reason().contains("-Pgpu") && inference.reason().contains("CUDA 12"), inference.reason());
        assertTrue(training.reason().contains("PYTORCH_LIBRARY_PATH") && training.reason()
                .contains("faceattr engine install gpu"), training.reason());
        assertEquals(Accelerators.Resolved.CPU, Accelerators.forInference(DeviceChoice.AUTO, InferenceEngine.DEFAULT));
        assertEquals(Accelerators.Resolved.CPU, Accelerators.forTraining(DeviceChoice.AUTO));
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> Accelerators.forInference(
                DeviceChoice.parse("gpu"), InferenceEngine.PYTORCH));
        assertTrue(e.getMessage().contains("GPU inference runs on ONNX Runtime"), e.getMessage());
    }
}

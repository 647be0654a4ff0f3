package faceattr.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import faceattr.core.FaceAttrException;
import faceattr.io.onnx.OnnxGraph;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Which GPUs the two engines can use, and why not when they cannot (docs/gpu.md): ONNX Runtime's
 * CUDA provider for inference, DJL's PyTorch natives for training. Turns a {@link DeviceChoice}
 * into the device a run uses: {@code auto} takes a usable GPU and says so, else the CPU silently;
 * {@code gpu} without a usable one is an error naming the reason and the ways to get one.
 * Probes run once per process.
 */
public final class Accelerators {
    /** What to do for GPU inference, for messages. */
    public static final String INFERENCE_HOWTO = "build with 'mvn package -Pgpu' (ONNX Runtime's CUDA package; "
            + "needs the NVIDIA driver, CUDA 12 and cuDNN 9; docs/gpu.md)";
    /** What to do for GPU training, for messages. */
    public static final String TRAINING_HOWTO = "set PYTORCH_LIBRARY_PATH to the lib folder of a CUDA build of "
            + "libtorch 2.7.1 (e.g. the torch/lib of pip's torch==2.7.1+cu128), or run 'faceattr engine install gpu' "
            + "once (downloads DJL's CUDA 12.8 natives, about 4 GB); docs/gpu.md";

    /**
     * A CUDA device.
     *
     * @param index its number
     * @param name its name, or "GPU N" when unknown
     * @param memoryBytes its memory, 0 when unknown
     */
    public record Gpu(int index, String name, long memoryBytes) {
        @Override
        public String toString() {
            return "gpu:" + index + " " + name + (memoryBytes > 0 ? String.format(Locale.ROOT, " (%.1f GiB)",
                    memoryBytes / (double) (1L << 30)) : "");
        }
    }

    /**
     * What one engine can use.
     *
     * @param engine the engine's name and version
     * @param natives where its native libraries come from
     * @param gpus the CUDA devices it can use (empty when none)
     * @param reason why it cannot use a GPU, in one sentence with what to do; null when it can
     */
    public record Report(String engine, String natives, List<Gpu> gpus, String reason) {
        /** Copies the list. */
        public Report {
            gpus = List.copyOf(gpus);
        }

        /** @return whether a GPU can be used */
        public boolean usable() {
            return reason == null && !gpus.isEmpty();
        }
    }

    /**
     * A resolved device choice.
     *
     * @param gpu the GPU's number, or -1 for the CPU
     * @param notice one line to show the user ({@code auto} picked a GPU), or null
     */
    public record Resolved(int gpu, String notice) {
        /** The CPU, nothing to say. */
        public static final Resolved CPU = new Resolved(-1, null);

        /** @return whether this is a GPU */
        public boolean isGpu() {
            return gpu >= 0;
        }
    }

    private static volatile List<Gpu> devices;
    private static volatile Report inference;

    private Accelerators() {
    }

    /**
     * @return the CUDA devices of this machine as the NVIDIA driver lists them ({@code nvidia-smi}),
     *     empty when there is no driver
     */
    public static List<Gpu> cudaDevices() {
        List<Gpu> d = devices;
        if (d == null) {
            d = queryDevices();
            devices = d;
        }
        return d;
    }

    private static List<Gpu> queryDevices() {
        List<Gpu> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=index,name,memory.total",
                    "--format=csv,noheader,nounits").redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split(",");
                    if (f.length == 3 && f[0].trim().matches("[0-9]+")) {
                        out.add(new Gpu(Integer.parseInt(f[0].trim()), f[1].trim(),
                                (long) (Double.parseDouble(f[2].trim()) * (1L << 20))));
                    }
                }
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (java.io.IOException | RuntimeException e) {
            return List.of(); // no nvidia-smi: no driver
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(out);
    }

    /**
     * @return what ONNX Runtime (inference) can use: its CUDA provider is in this build, a device
     *     exists, and a session on it starts
     */
    public static Report inference() throws FaceAttrException {
        Report r = inference;
        if (r == null) {
            synchronized (Accelerators.class) {
                if (inference == null) {
                    inference = probeInference();
                }
                r = inference;
            }
        }
        return r;
    }

    private static Report probeInference() throws FaceAttrException {
        OrtEnvironment env = OrtNet.environment();
        String engine = "onnxruntime " + env.getVersion();
        String natives = Engines.locate(OrtEnvironment.class, "ai/onnxruntime/native");
        EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        if (!providers.contains(OrtProvider.CUDA)) {
            return new Report(engine, natives, List.of(), "this build bundles ONNX Runtime's CPU package, which has "
                    + "no CUDA provider (providers: " + providers + "); " + INFERENCE_HOWTO);
        }
        List<Gpu> gpus = cudaDevices();
        if (gpus.isEmpty()) {
            return new Report(engine, natives, List.of(), "no CUDA device: nvidia-smi is missing or lists none (no "
                    + "NVIDIA driver); install the driver, CUDA 12 and cuDNN 9 (docs/gpu.md)");
        }
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.addCUDA(gpus.get(0).index());
            OnnxGraph g = new OnnxGraph("cuda probe");
            g.output(g.node("Relu", g.input("x", 1, 4)), "y", 1, 4);
            try (OrtSession s = env.createSession(g.toBytes(), o)) {
                return new Report(engine, natives, gpus, null);
            }
        } catch (OrtException | RuntimeException | LinkageError e) {
            return new Report(engine, natives, List.of(), "ONNX Runtime's CUDA provider did not start ("
                    + e.getMessage() + "); install CUDA 12 and cuDNN 9 as docs/gpu.md lists");
        }
    }

    /**
     * @return what DJL's PyTorch engine (training) can use
     */
    public static Report training() throws FaceAttrException {
        ai.djl.engine.Engine e = Engines.engine();
        String engine = "pytorch " + e.getVersion() + " (DJL " + ai.djl.engine.Engine.getDjlVersion() + ")";
        String natives = Engines.libraryPath() != null ? ai.djl.pytorch.jni.LibUtils.getLibtorchPath()
                + " (PYTORCH_LIBRARY_PATH, flavour " + ai.djl.util.Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR") + ")"
                : Engines.locate(Engines.class, "native/lib/pytorch.properties");
        int count = e.getGpuCount();
        if (count > 0) {
            List<Gpu> all = cudaDevices();
            List<Gpu> gpus = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final int n = i;
                gpus.add(all.stream().filter(g -> g.index() == n).findFirst().orElse(new Gpu(i, "GPU " + i, 0)));
            }
            return new Report(engine, natives, gpus, null);
        }
        boolean cpuNatives = Engines.libraryPath() == null;
        if (cudaDevices().isEmpty()) {
            return new Report(engine, natives, List.of(), "no CUDA device: nvidia-smi is missing or lists none (no "
                    + "NVIDIA driver)" + (cpuNatives ? ", and the PyTorch natives are a CPU build; on a machine with "
                    + "an NVIDIA GPU and its driver, " + TRAINING_HOWTO : "; install the driver (docs/gpu.md)"));
        }
        return new Report(engine, natives, List.of(), cpuNatives ? "the PyTorch natives are a CPU build; "
                + TRAINING_HOWTO : "PyTorch sees no GPU with the natives of PYTORCH_LIBRARY_PATH: they must be a CUDA "
                + "build of libtorch 2.7.1 matching the driver (docs/gpu.md)");
    }

    /**
     * Resolves a choice for inference (ONNX Runtime).
     *
     * @param choice the user's choice
     * @param engine the inference engine: GPU inference runs on ONNX Runtime only
     * @return the device
     * @throws FaceAttrException for {@code gpu} when none is usable: the reason and what to do
     */
    public static Resolved forInference(DeviceChoice choice, InferenceEngine engine) throws FaceAttrException {
        if (choice.kind() == DeviceChoice.Kind.CPU) {
            return Resolved.CPU;
        }
        if (engine == InferenceEngine.PYTORCH) {
            if (choice.kind() == DeviceChoice.Kind.GPU) {
                throw new FaceAttrException("--device " + choice + ": GPU inference runs on ONNX Runtime; the PyTorch "
                        + "engine (the reference path) runs on the CPU. Drop --engine pytorch, or use --device cpu.");
            }
            return Resolved.CPU;
        }
        Report r = inference();
        return resolve(choice, r, "inference");
    }

    /**
     * Resolves a choice for training (DJL's PyTorch engine).
     *
     * @param choice the user's choice
     * @return the device
     * @throws FaceAttrException for {@code gpu} when none is usable: the reason and what to do
     */
    public static Resolved forTraining(DeviceChoice choice) throws FaceAttrException {
        if (choice.kind() == DeviceChoice.Kind.CPU) {
            return Resolved.CPU;
        }
        return resolve(choice, training(), "training");
    }

    static Resolved resolve(DeviceChoice choice, Report r, String what) throws FaceAttrException {
        if (!r.usable()) {
            if (choice.kind() == DeviceChoice.Kind.AUTO) {
                return Resolved.CPU;
            }
            throw new FaceAttrException("--device " + choice + ": no usable GPU for " + what + ": " + r.reason()
                    + ". Or run on the CPU with --device cpu.");
        }
        int index = choice.kind() == DeviceChoice.Kind.GPU ? choice.index() : r.gpus().get(0).index();
        Gpu gpu = r.gpus().stream().filter(g -> g.index() == index).findFirst().orElse(null);
        if (gpu == null) {
            throw new FaceAttrException("--device " + choice + ": there is no GPU " + index + " for " + what
                    + "; this machine has " + r.gpus() + ".");
        }
        String notice = choice.kind() == DeviceChoice.Kind.AUTO ? what + " on " + gpu + " (--device cpu for the CPU)"
                : null;
        return new Resolved(index, notice);
    }
}

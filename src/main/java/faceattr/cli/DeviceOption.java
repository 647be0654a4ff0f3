package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.engine.Accelerators;
import faceattr.engine.DeviceChoice;
import faceattr.engine.InferenceEngine;
import java.io.PrintStream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --device auto|cpu|gpu|gpu:N} of detect, analyze, bench, train and eval (docs/gpu.md).
 * {@code auto} takes a usable GPU and says so in one line on stderr, else the CPU silently; a GPU
 * that cannot be used is a usage error (exit code 2) that names the reason and the ways to get one.
 */
final class DeviceOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    private DeviceChoice choice = DeviceChoice.DEFAULT;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu|gpu:N", description = "Where the networks run: auto "
            + "(default: a usable GPU, else the CPU), cpu, gpu or gpu:N (docs/gpu.md).")
    private void set(String key) {
        try {
            choice = DeviceChoice.parse(key);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device: " + e.getMessage());
        }
    }

    /** @return the choice as given */
    DeviceChoice get() {
        return choice;
    }

    /**
     * Resolves the choice for inference.
     *
     * @param engine the inference engine
     * @param err where auto's one line goes
     * @return {@code cpu} or {@code gpu:N}
     * @throws ParameterException when a GPU was asked for and none can be used
     */
    DeviceChoice inference(InferenceEngine engine, PrintStream err) {
        try {
            return concrete(Accelerators.forInference(choice, engine), err);
        } catch (FaceAttrException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Resolves the choice for training and evaluation (DJL's PyTorch engine).
     *
     * @param err where auto's one line goes
     * @return the GPU's number, or -1 for the CPU
     * @throws ParameterException when a GPU was asked for and none can be used
     */
    int training(PrintStream err) {
        try {
            Accelerators.Resolved r = Accelerators.forTraining(choice);
            concrete(r, err);
            return r.gpu();
        } catch (FaceAttrException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static DeviceChoice concrete(Accelerators.Resolved r, PrintStream err) {
        if (r.notice() != null) {
            err.println(r.notice());
        }
        return r.isGpu() ? new DeviceChoice(DeviceChoice.Kind.GPU, r.gpu()) : DeviceChoice.CPU;
    }
}

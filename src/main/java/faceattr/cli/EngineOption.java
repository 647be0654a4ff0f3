package faceattr.cli;

import faceattr.engine.InferenceEngine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --engine onnxruntime|pytorch} of detect, analyze and bench: where inference runs. */
final class EngineOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    private InferenceEngine engine = InferenceEngine.DEFAULT;

    @Option(names = "--engine", paramLabel = "onnxruntime|pytorch",
            description = "Inference engine: onnxruntime (default, fastest) or pytorch (DJL, the reference path).")
    private void set(String key) {
        try {
            engine = InferenceEngine.parse(key);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--engine: " + e.getMessage());
        }
    }

    /** @return the engine chosen */
    InferenceEngine get() {
        return engine;
    }
}

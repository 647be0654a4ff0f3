package faceattr.engine;

import java.util.Locale;

/**
 * Which runtime executes a network for inference. Training always runs on DJL's PyTorch engine;
 * inference runs on ONNX Runtime by default, from a graph written from the same weights when a
 * model is opened, and on PyTorch when asked (for comparison, and as the fallback). The keys are
 * public API: the CLI's {@code --engine}, the macro and dialog key {@code engine}.
 */
public enum InferenceEngine {
    /** ONNX Runtime ({@link OrtNet}); the default. */
    ONNXRUNTIME("onnxruntime"),
    /** DJL's PyTorch engine, running our blocks op by op. */
    PYTORCH("pytorch");

    /** The default engine. */
    public static final InferenceEngine DEFAULT = ONNXRUNTIME;

    private final String key;

    InferenceEngine(String key) {
        this.key = key;
    }

    /** @return the key users type: {@code onnxruntime} or {@code pytorch} */
    public String key() {
        return key;
    }

    /**
     * @param key a key, in any case
     * @return the engine
     * @throws IllegalArgumentException naming the keys accepted
     */
    public static InferenceEngine parse(String key) {
        String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
        for (InferenceEngine e : values()) {
            if (e.key.equals(k)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + key + "'; use onnxruntime (the default) or pytorch");
    }

    @Override
    public String toString() {
        return key;
    }
}

package faceattr.engine;

import java.util.Locale;

/**
 * Where a user asked the networks to run: {@code auto} (a usable GPU when there is one, else the
 * CPU), {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}. The keys are public API: the
 * CLI's {@code --device}, the macro and dialog key {@code device}, the SciJava input {@code device}
 * (docs/gpu.md). {@link Accelerators} turns a choice into the device a run uses.
 *
 * @param kind auto, cpu or gpu
 * @param index the GPU's number for {@link Kind#GPU}, else 0
 */
public record DeviceChoice(Kind kind, int index) {
    /** The kinds of choice. */
    public enum Kind {
        /** A usable GPU, else the CPU. */
        AUTO,
        /** The CPU. */
        CPU,
        /** A GPU, or an error saying why none can be used. */
        GPU
    }

    /** {@code auto}: the default everywhere; on a machine or build without a usable GPU, the CPU. */
    public static final DeviceChoice AUTO = new DeviceChoice(Kind.AUTO, 0);
    /** {@code cpu}. */
    public static final DeviceChoice CPU = new DeviceChoice(Kind.CPU, 0);
    /** The default choice. */
    public static final DeviceChoice DEFAULT = AUTO;

    /** Checks the index. */
    public DeviceChoice {
        java.util.Objects.requireNonNull(kind, "kind");
        if (index < 0 || (kind != Kind.GPU && index != 0)) {
            throw new IllegalArgumentException("a GPU number is at least 0 and only goes with gpu, got " + kind
                    + " " + index);
        }
    }

    /**
     * @param key {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} (N from 0), in any case;
     *     null or blank for the default
     * @return the choice
     * @throws IllegalArgumentException naming the keys accepted
     */
    public static DeviceChoice parse(String key) {
        String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
        switch (k) {
            case "", "auto":
                return AUTO;
            case "cpu":
                return CPU;
            case "gpu", "cuda":
                return new DeviceChoice(Kind.GPU, 0);
            default:
                if (k.matches("(gpu|cuda):[0-9]{1,3}")) {
                    return new DeviceChoice(Kind.GPU, Integer.parseInt(k.substring(k.indexOf(':') + 1)));
                }
                throw new IllegalArgumentException("unknown device '" + key + "'; use auto (the default), cpu, gpu "
                        + "or gpu:N (N = 0, 1, ...)");
        }
    }

    /** @return the key that {@link #parse} reads back: {@code auto}, {@code cpu}, {@code gpu:N} */
    public String key() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case GPU -> "gpu:" + index;
        };
    }

    @Override
    public String toString() {
        return key();
    }
}

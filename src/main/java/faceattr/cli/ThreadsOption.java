package faceattr.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --threads T} of train, eval and bench: at least 1, by default every core. */
final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--threads", paramLabel = "T",
            description = "PyTorch's intra-op threads (bench: OpenCV's pool too; default: every core).")
    private void set(int t) {
        threads = Checks.atLeast(spec, "--threads", 1, t);
    }

    /** @return the threads to use */
    int get() {
        return threads;
    }
}

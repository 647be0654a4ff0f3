package faceattr.cli;

import faceattr.engine.Engines;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code faceattr} command line. Exit codes: 0 ok, 1 some inputs failed (listed on stderr,
 * the rest processed), 2 usage error.
 */
public final class Main {
    private static final String USAGE = String.join("\n", "usage:",
            "  " + DetectCommand.USAGE,
            "  " + DetectCommand.ANALYZE_USAGE,
            "  " + ModelsCommand.USAGE,
            "  " + TrainCommand.USAGE,
            "  " + EvalCommand.USAGE,
            "  " + ExportCommand.USAGE,
            "  " + BenchCommand.USAGE,
            "  " + InfoCommand.USAGE,
            "Any command: --verbose also shows library logs and lists skipped files.");

    private Main() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /**
     * Runs one command; used by {@link #main} and by tests.
     *
     * @return the exit code
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        verbose = args.contains("--verbose");
        args = args.stream().filter(a -> !a.equals("--verbose")).toList();
        quietLibraries(verbose);
        Engines.configureOffline();
        if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help")) {
            (args.isEmpty() ? err : out).println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "detect" -> DetectCommand.run(rest, out, err);
                case "analyze" -> DetectCommand.run(rest, out, err, true);
                case "models" -> ModelsCommand.run(rest, out, err);
                case "train" -> TrainCommand.run(rest, out, err);
                case "eval" -> EvalCommand.run(rest, out, err);
                case "export" -> ExportCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                case "info" -> InfoCommand.run(rest, out, err);
                case "--version" -> {
                    out.println("faceattr " + version());
                    yield 0;
                }
                default -> throw new Args.UsageException("unknown command '" + args.get(0) + "'");
            };
        } catch (Args.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
    }

    private static volatile boolean verbose;

    /** @return whether {@code --verbose} was given: library logs and per-file notes are shown */
    static boolean verbose() {
        return verbose;
    }

    /**
     * Library logs (DJL's engine and GPU probes through SLF4J) are not results: a normal run shows
     * only errors; {@code --verbose} shows their info lines. PyTorch's native warnings are
     * silenced by the launcher ({@code TORCH_CPP_LOG_LEVEL}), since they are printed before Java
     * could intervene.
     */
    private static void quietLibraries(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "error");
    }

    /** @return the version from the jar manifest, or "dev" */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** @return the installation folder (set by the launcher), or the working directory */
    static Path home() {
        return Path.of(System.getProperty("faceattr.home", "."));
    }

    /** @return the native allocator the launcher preloaded, for benchmark reports */
    static String allocator() {
        String pre = System.getenv("LD_PRELOAD");
        return pre != null && pre.contains("jemalloc") ? "jemalloc" : "glibc";
    }
}

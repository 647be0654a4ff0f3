package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import faceattr.engine.NativeHeap;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * The {@code faceattr} command line ({@link FaceattrCommand} and its subcommands, parsed by
 * picocli). Exit codes: 0 ok, 1 some inputs failed (listed on stderr, the rest processed) or an
 * error, 2 usage error.
 */
public final class Main {
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
        Engines.configureOffline();
        FaceattrCommand top = new FaceattrCommand(out, err);
        CommandLine cl = new CommandLine(top);
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        cl.setExpandAtFiles(false); // an INPUT named @photos is a folder, not a list of arguments
        Keys.register(cl);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof FaceAttrException) {
                command.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e; // a bug: picocli prints the stack trace, exit code 1
        });
        cl.setExecutionStrategy(parsed -> {
            // Parsing touched no library; from here on the command may, so the log level goes first.
            verbose = top.verbose();
            quietLibraries(verbose);
            return new CommandLine.RunLast().execute(parsed);
        });
        int code = cl.execute(args.toArray(String[]::new));
        outWriter.flush();
        errWriter.flush();
        return code;
    }

    /** A usage error: the message, the command's synopsis and where its options are listed. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            CommandLine.Help help = command.getHelp();
            err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        }
        err.println("'" + command.getCommandSpec().qualifiedName() + " --help' lists the options.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
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

    /** @return the native allocator and its settings, for benchmark reports ({@link NativeHeap#describe()}) */
    static String allocator() {
        return NativeHeap.describe();
    }
}

package faceattr.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top command: the subcommands, {@code --help} and {@code --version} (inherited by every
 * subcommand), {@code --verbose} (accepted before or after the subcommand's name), and the
 * streams the subcommands print to.
 */
@Command(name = "faceattr", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = FaceattrCommand.Version.class,
        description = {"Face detection and attribute estimation on image files (docs/cli.md).",
            "'faceattr COMMAND --help' lists a command's options."},
        subcommands = {DetectCommand.class, AnalyzeCommand.class, ModelsCommand.class, TrainCommand.class,
            EvalCommand.class, TrainDetectorCommand.class, EvalDetectorCommand.class, ExportCommand.class, BenchCommand.class, InfoCommand.class,
            EngineCommand.class, HelpCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:ok", "1:some inputs failed (each named on stderr; the rest processed) or an error",
            "2:usage error"})
final class FaceattrCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Also show library logs and list the skipped files.")
    private boolean verbose;

    FaceattrCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** @return where results go */
    PrintStream out() {
        return out;
    }

    /** @return where progress, warnings and errors go */
    PrintStream err() {
        return err;
    }

    /** @return whether {@code --verbose} was given, before or after the subcommand */
    boolean verbose() {
        return verbose;
    }

    /** {@code faceattr} alone: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no command given");
    }

    /** {@code --version}: the version from the jar manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"faceattr " + Main.version()};
        }
    }
}

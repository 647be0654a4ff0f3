package faceattr.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every {@code faceattr} subcommand has: its picocli spec, for usage errors ({@link Checks}),
 * and the streams of the run. {@link #call()} returns the exit code.
 */
abstract class Subcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    private FaceattrCommand cli;

    /** @return where results go */
    PrintStream out() {
        return cli.out();
    }

    /** @return where progress, warnings and errors go */
    PrintStream err() {
        return cli.err();
    }
}

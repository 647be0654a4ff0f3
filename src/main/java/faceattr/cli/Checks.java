package faceattr.cli;

import java.util.function.DoublePredicate;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Usage errors the option types cannot catch: ranges, and the core's {@link IllegalArgumentException}s
 * about values it was given. Each is a picocli {@link ParameterException}: the message and the
 * command's synopsis on stderr, exit code 2.
 */
final class Checks {
    private Checks() {
    }

    /**
     * @return {@code value}
     * @throws ParameterException "--threads must be at least 1, was 0"
     */
    static int atLeast(CommandSpec spec, String option, int min, int value) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    /**
     * @param range the accepted values in words, e.g. "in (0, 1]"
     * @return {@code value}
     * @throws ParameterException "--lr must be greater than 0, was 0.0"
     */
    static double check(CommandSpec spec, String option, double value, DoublePredicate ok, String range) {
        if (!ok.test(value)) {
            throw new ParameterException(spec.commandLine(), option + " must be " + range + ", was " + value);
        }
        return value;
    }

    /**
     * Runs a piece of the core that checks the values it is given.
     *
     * @return what {@code make} returns
     * @throws ParameterException with the message of the core's {@link IllegalArgumentException}
     */
    static <T> T usage(CommandSpec spec, Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}

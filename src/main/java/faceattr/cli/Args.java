package faceattr.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small parser for {@code --name value}, {@code --name=value} and {@code --flag} options plus
 * positional arguments. Unknown options and bad numbers are usage errors (exit code 2).
 */
final class Args {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, List<String>> all = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** A usage error: the CLI prints the message and the usage and exits with 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param argv the arguments after the subcommand
     * @param valued options that take a value
     * @param flags options without a value
     */
    Args(List<String> argv, Set<String> valued, Set<String> flags) throws UsageException {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                positional.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = argv.get(++i);
                }
                options.put(name, value);
                all.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String string(String name, String dflt) {
        return options.getOrDefault(name, dflt);
    }

    double number(String name, double dflt) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a number, got '" + v + "'");
        }
    }

    int integer(String name, int dflt) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs an integer, got '" + v + "'");
        }
    }

    /** @return every value given for a repeatable option, in order (empty when absent) */
    List<String> strings(String name) {
        return all.getOrDefault(name, List.of());
    }

    List<String> positional() {
        return positional;
    }
}

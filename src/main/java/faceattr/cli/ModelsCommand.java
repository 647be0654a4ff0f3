package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.model.io.ModelStore;
import faceattr.reference.Estimators;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code faceattr models [list] | install PATH [--name N] [--replace] | remove NAME}: the installed
 * trained models ({@link ModelStore}; docs/models.md). {@code --dir DIR} uses another store.
 */
final class ModelsCommand {
    static final String USAGE = "faceattr models [list | install PATH [--name N] [--replace] | remove NAME] "
            + "[--dir DIR]";

    private ModelsCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) throws Args.UsageException {
        Args a = new Args(argv, Set.of("name", "dir"), Set.of("replace"));
        List<String> pos = a.positional();
        String action = pos.isEmpty() ? "list" : pos.get(0);
        String dir = a.string("dir", null);
        ModelStore store = dir == null ? ModelStore.standard(null) : new ModelStore(Path.of(dir));
        try {
            switch (action) {
                case "list" -> {
                    expect(pos, 1, "list");
                    out.println("models in " + store.root() + ":");
                    out.printf(Locale.ROOT, "  %-24s %s%n", Estimators.REFERENCE,
                            "bundled face-api estimators (age, gender, emotion; no race)");
                    for (ModelStore.Installed m : store.list()) {
                        out.printf(Locale.ROOT, "  %-24s %s, created %s, tasks %s%n", m.name(), m.card().name(),
                                m.card().created(), m.card().labelSpaces().keySet());
                    }
                    for (String p : store.problems()) {
                        err.println("warning: not a usable model: " + p);
                    }
                    out.println("default: " + Estimators.defaultChoice(store));
                }
                case "install" -> {
                    expect(pos, 2, "install PATH");
                    ModelStore.Installed m = store.install(Path.of(pos.get(1)), a.string("name", null),
                            a.flag("replace"));
                    out.println("installed " + m.name() + " in " + m.dir());
                }
                case "remove" -> {
                    expect(pos, 2, "remove NAME");
                    store.remove(pos.get(1));
                    out.println("removed " + pos.get(1));
                }
                default -> throw new Args.UsageException("unknown models action '" + action
                        + "': use list, install or remove");
            }
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static void expect(List<String> pos, int n, String form) throws Args.UsageException {
        if (pos.size() != n) {
            throw new Args.UsageException("usage: faceattr models " + form);
        }
    }
}

package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.model.io.ModelStore;
import faceattr.reference.Estimators;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code faceattr models [list] | install PATH [--name N] [--replace] | remove NAME}: the installed
 * trained models ({@link ModelStore}; docs/models.md). {@code --dir DIR} uses another store. A
 * store that cannot be read or written is an error (exit code 1).
 */
@Command(name = "models", description = "List, install and remove trained models (docs/models.md); "
        + "no action lists them.")
final class ModelsCommand extends Subcommand {
    @Option(names = "--dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Use this model store instead of the standard one.")
    private Path dir;

    @Override
    public Integer call() {
        return list();
    }

    private ModelStore store() {
        return dir == null ? ModelStore.standard(null) : new ModelStore(dir);
    }

    @Command(name = "list", description = "List the estimators: reference, the installed models, the default.")
    int list() {
        ModelStore store = store();
        out().println("models in " + store.root() + ":");
        out().printf(Locale.ROOT, "  %-24s %s%n", Estimators.REFERENCE,
                "bundled face-api estimators (age, gender, emotion; no race)");
        for (ModelStore.Installed m : store.list()) {
            out().printf(Locale.ROOT, "  %-24s %s, created %s, tasks %s%n", m.name(), m.card().name(),
                    m.card().created(), m.card().labelSpaces().keySet());
        }
        for (String p : store.problems()) {
            err().println("warning: not a usable model: " + p);
        }
        out().println("default: " + Estimators.defaultChoice(store));
        return 0;
    }

    @Command(name = "install", description = "Copy a trained model folder into the store.")
    int install(@Parameters(paramLabel = "PATH", description = "The model folder.") Path path,
            @Option(names = "--name", paramLabel = "N", description = "Install it under this name "
                    + "(default: the folder's name).") String name,
            @Option(names = "--replace", description = "Replace an installed model of that name.") boolean replace)
            throws FaceAttrException {
        ModelStore.Installed m = store().install(path, name, replace);
        out().println("installed " + m.name() + " in " + m.dir());
        return 0;
    }

    @Command(name = "remove", description = "Remove an installed model.")
    int remove(@Parameters(paramLabel = "NAME", description = "The model's name.") String name)
            throws FaceAttrException {
        store().remove(name);
        out().println("removed " + name);
        return 0;
    }
}

package faceattr.model.io;

import faceattr.core.FaceAttrException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The installed trained models: one model folder ({@link ModelFolder}) per sub-folder of a root,
 * named after the folder. Installing copies a checked model into the root atomically (a temporary
 * folder, then a rename), so a half-copied model is never listed. The root is
 * {@code <Fiji.app>/models/faceattr} inside Fiji (the ImageJ layer passes it) and
 * {@code ~/.faceattr/models} otherwise; {@code -Dfaceattr.models=DIR} or {@code FACEATTR_MODELS}
 * override both. See docs/models.md.
 */
public final class ModelStore {
    /** System property naming the root. */
    public static final String PROPERTY = "faceattr.models";
    /** Environment variable naming the root. */
    public static final String ENV = "FACEATTR_MODELS";

    private final Path root;

    /** @param root the folder holding the installed models (created when a model is installed) */
    public ModelStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * @param fijiDir the Fiji.app (ImageJ) folder when running inside it, else null
     * @return the store at the documented place
     */
    public static ModelStore standard(Path fijiDir) {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENV);
        }
        if (p != null && !p.isBlank()) {
            return new ModelStore(Path.of(p));
        }
        if (fijiDir != null) {
            return new ModelStore(fijiDir.resolve("models").resolve("faceattr"));
        }
        return new ModelStore(Path.of(System.getProperty("user.home"), ".faceattr", "models"));
    }

    /** @return the root folder */
    public Path root() {
        return root;
    }

    /**
     * An installed model.
     *
     * @param name its name (the folder name)
     * @param dir its folder
     * @param card its model card
     */
    public record Installed(String name, Path dir, ModelCard card) {
    }

    /**
     * @return the installed models, newest card first; folders that are not valid models are
     *     left out (see {@link #problems()})
     */
    public List<Installed> list() {
        List<Installed> out = new ArrayList<>();
        for (Path d : folders()) {
            try {
                out.add(new Installed(d.getFileName().toString(), d, ModelFolder.read(d).card()));
            } catch (FaceAttrException e) {
                // reported by problems()
            }
        }
        out.sort(Comparator.comparing((Installed i) -> i.card().created()).reversed()
                .thenComparing(Installed::name));
        return out;
    }

    /** @return one message per sub-folder that is not a readable model, naming it and why */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        for (Path d : folders()) {
            try {
                ModelFolder.read(d);
            } catch (FaceAttrException e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /** @return the newest installed model, the default estimator when there is one */
    public Optional<Installed> newest() {
        List<Installed> l = list();
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /**
     * @param name a model name
     * @return its folder when installed
     */
    public Optional<Path> find(String name) {
        if (!validName(name)) {
            return Optional.empty();
        }
        Path d = root.resolve(name);
        return Files.isRegularFile(d.resolve(ModelFolder.CARD_FILE)) ? Optional.of(d) : Optional.empty();
    }

    /**
     * Copies a model folder into the store after checking it (card, parameters, hash).
     *
     * @param source a model folder
     * @param name the name to install it under, or null for the source folder's name
     * @param replace replace an installed model of that name
     * @return the installed model
     * @throws FaceAttrException when the source is not a valid model, the name is taken (and not
     *     {@code replace}) or invalid, or the copy fails; nothing installed is changed then
     */
    public Installed install(Path source, String name, boolean replace) throws FaceAttrException {
        Path target = installFolder(source, root, name, replace, "model", ModelFolder::read);
        return new Installed(target.getFileName().toString(), target, ModelFolder.read(target).card());
    }

    /** Checks that a folder is what a shelf of the store holds; throws naming the file when not. */
    @FunctionalInterface
    public interface Check {
        /**
         * @param folder the folder
         * @throws FaceAttrException when it is not usable, naming the file and what to do
         */
        void check(Path folder) throws FaceAttrException;
    }

    /** The sub-folder of installed detectors (docs/models.md); never listed as a model. */
    public static final String DETECTORS = "detectors";

    /** @return the folder of installed detectors */
    public Path detectorsRoot() {
        return root.resolve(DETECTORS);
    }

    /**
     * Copies a checked folder into a shelf of the store: into a hidden temporary folder, checked
     * again, then renamed into place (an earlier one of that name renamed away first), so an
     * interrupted install never leaves a half folder that would be listed.
     *
     * @param source the folder to install
     * @param shelf where it goes ({@link #root()} for models, {@link #detectorsRoot()} for detectors)
     * @param name the name, or null for the source folder's name
     * @param replace replace an installed folder of that name
     * @param what "model" or "detector", for messages
     * @param check the check of the source and of the copy
     * @return the installed folder
     * @throws FaceAttrException when the source fails the check, the name is taken (and not
     *     {@code replace}) or invalid, or the copy fails; nothing installed is changed then
     */
    public Path installFolder(Path source, Path shelf, String name, boolean replace, String what, Check check)
            throws FaceAttrException {
        check.check(source); // throws, naming the file, when it is not valid
        String n = name == null ? source.toAbsolutePath().normalize().getFileName().toString() : name;
        if (!validName(n) || (shelf.equals(root) && n.equals(DETECTORS))) {
            throw new FaceAttrException(null, "'" + n + "' is not a usable " + what + " name: use letters, digits, "
                    + "'.', '_' or '-', not starting with '.', and not 'reference' or '" + DETECTORS + "'", null);
        }
        Path target = shelf.resolve(n);
        if (Files.exists(target) && !replace) {
            throw new FaceAttrException(target, "a " + what + " with this name is installed already; remove it first "
                    + "or choose another name", null);
        }
        Path tmp = null;
        try {
            Files.createDirectories(shelf);
            tmp = Files.createTempDirectory(shelf, ".install-" + n + "-");
            copyTree(source, tmp);
            check.check(tmp); // the copy is complete and intact
            Path old = null;
            if (Files.exists(target)) {
                old = Files.createTempDirectory(shelf, ".old-" + n + "-");
                Files.delete(old);
                move(target, old);
            }
            move(tmp, target);
            tmp = null;
            if (old != null) {
                deleteTree(old);
            }
            return target;
        } catch (IOException e) {
            throw new FaceAttrException(shelf, "cannot install the " + what + " " + source + " here ("
                    + e.getMessage() + "); check that the folder is writable", e);
        } finally {
            if (tmp != null) {
                try {
                    deleteTree(tmp);
                } catch (IOException ignored) {
                    // a leftover ".install-*" folder is never listed
                }
            }
        }
    }

    /**
     * Removes an installed folder: renamed away first, so a partly deleted one is never listed.
     *
     * @param dir the installed folder
     * @param what "model" or "detector", for messages
     * @throws FaceAttrException when it cannot be deleted
     */
    public static void removeFolder(Path dir, String what) throws FaceAttrException {
        try {
            Path gone = Files.createTempDirectory(dir.getParent(), ".remove-" + dir.getFileName() + "-");
            Files.delete(gone);
            move(dir, gone);
            deleteTree(gone);
        } catch (IOException e) {
            throw new FaceAttrException(dir, "cannot remove the " + what + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param name an installed model's name
     * @throws FaceAttrException when it is not installed or cannot be deleted
     */
    public void remove(String name) throws FaceAttrException {
        Path d = find(name).orElseThrow(() -> new FaceAttrException(null, "no installed model named '" + name
                + "' in " + root + "; 'faceattr models list' shows them", null));
        removeFolder(d, "model");
    }

    /**
     * @param n a name
     * @return whether it can name an installed model or detector
     */
    public static boolean validName(String n) {
        return n != null && n.matches("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}") && !n.equals("reference");
    }

    private List<Path> folders() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
            for (Path d : s) {
                String n = d.getFileName().toString();
                if (Files.isDirectory(d) && !n.startsWith(".") && !n.equals(DETECTORS)) {
                    out.add(d);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

package faceattr.detect;

import faceattr.core.FaceAttrException;
import faceattr.model.io.ModelStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fine-tuned detectors installed by name, in the model store's {@value ModelStore#DETECTORS}
 * folder (docs/models.md), and the {@code --detector NAME|PATH} choice of every command that
 * detects: a detector folder anywhere, else an installed detector's name.
 */
public final class DetectorStore {
    private final ModelStore store;

    /** @param store the model store whose detectors folder this is */
    public DetectorStore(ModelStore store) {
        this.store = store;
    }

    /** @return the folder holding the installed detectors */
    public Path root() {
        return store.detectorsRoot();
    }

    /**
     * @param source a detector folder (from train-detector)
     * @param name the name to install it under, or null for the folder's name
     * @param replace replace an installed detector of that name
     * @return the installed folder
     * @throws FaceAttrException when the source is not a detector folder, the name is taken or invalid,
     *     or the copy fails; nothing installed changes then
     */
    public Path install(Path source, String name, boolean replace) throws FaceAttrException {
        return store.installFolder(source, root(), name, replace, "detector", DetectorFolder::read);
    }

    /**
     * @param name an installed detector's name
     * @throws FaceAttrException when none is installed under that name, or it cannot be deleted
     */
    public void remove(String name) throws FaceAttrException {
        Path d = find(name).orElseThrow(() -> new FaceAttrException(null, "no installed detector named '" + name
                + "' in " + root() + "; 'faceattr models list' shows them", null));
        ModelStore.removeFolder(d, "detector");
    }

    /**
     * @param name a name
     * @return the installed detector's folder
     */
    public Optional<Path> find(String name) {
        if (!ModelStore.validName(name)) {
            return Optional.empty();
        }
        Path d = root().resolve(name);
        return Files.isRegularFile(d.resolve(DetectorFolder.CARD)) ? Optional.of(d) : Optional.empty();
    }

    /** @return the installed detectors' names, sorted; folders without a card are left out */
    public List<String> list() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root())) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root())) {
            for (Path d : s) {
                String n = d.getFileName().toString();
                if (!n.startsWith(".") && Files.isRegularFile(d.resolve(DetectorFolder.CARD))) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /**
     * Resolves {@code --detector NAME|PATH}: a folder that exists, else an installed detector of that
     * name, else the value as a path (loading it then fails with {@link DetectorFolder#read}'s
     * message naming it).
     *
     * @param choice a detector folder, or an installed detector's name; null, empty or
     *     {@code pretrained} for the pretrained cascade
     * @return the folder, or null for the pretrained cascade
     */
    public Path resolve(String choice) {
        if (choice == null || choice.isBlank() || choice.equals("pretrained")) {
            return null;
        }
        Path p = Path.of(choice);
        return Files.isDirectory(p) ? p : find(choice).orElse(p);
    }
}

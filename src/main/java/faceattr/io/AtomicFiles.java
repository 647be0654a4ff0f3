package faceattr.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way this project replaces a file: write a hidden temporary file in the same folder,
 * flush it to disk, then rename it over the target. A reader never sees half a file, and an
 * interrupted run leaves the previous file intact.
 */
public final class AtomicFiles {

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        /**
         * @param tmp the temporary file to fill (it does not exist yet)
         * @throws IOException on failure; the temporary file is then removed
         */
        void writeTo(Path tmp) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * @param target the file to create or replace; missing parent folders are created
     * @param content writes the new content
     * @throws IOException when writing or renaming fails; the target is then unchanged
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: its owner-only permissions would stick to the final file.
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            content.writeTo(tmp);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // Some network file systems cannot rename atomically; a plain replace is the best left.
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The original failure is the one worth reporting.
            }
            throw e;
        }
    }

    /**
     * Replaces a whole folder: fills a hidden sibling folder, then swaps it in with two renames
     * (old away, new in) and deletes the old one. A reader sees the old folder or the new one;
     * after a kill between the two renames the target is missing and the previous complete folder
     * waits beside it as {@code .<name>.old-*} ({@link #recoverDirectory} puts it back).
     *
     * @param target the folder to create or replace
     * @param content fills the new folder (it exists, empty)
     * @throws IOException when writing or renaming fails; the target is then unchanged
     */
    public static void replaceDirectory(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path fresh = parent.resolve("." + abs.getFileName() + ".new-" + tag);
        Path old = parent.resolve("." + abs.getFileName() + ".old-" + tag);
        try {
            Files.createDirectory(fresh);
            content.writeTo(fresh);
            if (Files.exists(abs)) {
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(fresh);
            if (!Files.exists(abs) && Files.exists(old)) {
                Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        deleteTree(old);
    }

    /**
     * After a kill inside {@link #replaceDirectory}: when the target is missing but the previous
     * complete folder is waiting beside it, moves it back into place.
     *
     * @param target the folder
     * @throws IOException when the rename fails
     */
    public static void recoverDirectory(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.exists(abs) || !Files.isDirectory(abs.getParent())) {
            return;
        }
        try (var s = Files.newDirectoryStream(abs.getParent(), "." + abs.getFileName() + ".old-*")) {
            for (Path p : s) {
                Files.move(p, abs, StandardCopyOption.ATOMIC_MOVE); // the previous complete folder
                return;
            }
        }
    }

    /**
     * @param dir a folder to delete with its content; nothing happens when it does not exist
     * @throws IOException when something cannot be deleted
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

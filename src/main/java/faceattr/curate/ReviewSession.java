package faceattr.curate;

import com.google.gson.JsonParseException;
import faceattr.core.FaceAttrException;
import faceattr.io.AtomicFiles;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import faceattr.labels.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The state of a review (no GUI): the faces, edits with undo and redo, ordering by doubt, filters,
 * and an autosave file written atomically after every edit, so a crash loses at most the edit in
 * progress. The review window and the ImageJ presenters listen to it ({@link #onChange}).
 */
public final class ReviewSession {
    /** How the faces are ordered. */
    public enum Order {
        /** As detected. */
        DETECTION,
        /** Lowest class confidence first: the likely errors. */
        LOWEST_CONFIDENCE,
        /** Highest age uncertainty first. */
        HIGHEST_AGE_UNCERTAINTY
    }

    private final List<ReviewFace> faces;
    private final List<ReviewFace> carried;
    private final Path autosave;
    private final Deque<List<ReviewFace>> undo = new ArrayDeque<>();
    private final Deque<List<ReviewFace>> redo = new ArrayDeque<>();
    private final List<Consumer<ReviewFace>> listeners = new ArrayList<>();
    private boolean dirty;

    /**
     * @param faces the faces, in detection order
     * @param autosave the file written after every edit, or null for none
     */
    public ReviewSession(List<ReviewFace> faces, Path autosave) {
        this(faces, List.of(), autosave);
    }

    /**
     * @param faces the faces under review, in detection order
     * @param carried saved faces that match no current face (e.g. of other slices): kept in the
     *     autosave unchanged, so that reviewing one part never loses the review of another
     * @param autosave the file written after every edit, or null for none
     */
    public ReviewSession(List<ReviewFace> faces, List<ReviewFace> carried, Path autosave) {
        this.faces = new ArrayList<>(faces);
        this.carried = List.copyOf(carried);
        this.autosave = autosave;
    }

    /** @return the faces, in detection order, as they are now */
    public List<ReviewFace> faces() {
        return List.copyOf(faces);
    }

    /** @param l called with each face an edit, undo or redo changed */
    public void onChange(Consumer<ReviewFace> l) {
        listeners.add(l);
    }

    /**
     * @param order how to order
     * @param filter which faces to keep
     * @return indices into {@link #faces()} in that order
     */
    public List<Integer> view(Order order, Predicate<ReviewFace> filter) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < faces.size(); i++) {
            if (filter.test(faces.get(i))) {
                idx.add(i);
            }
        }
        Comparator<Integer> c = switch (order) {
            case DETECTION -> Comparator.naturalOrder();
            case LOWEST_CONFIDENCE -> Comparator.comparingDouble((Integer i) -> nanLast(faces.get(i).lowestConfidence()));
            case HIGHEST_AGE_UNCERTAINTY -> Comparator.comparingDouble((Integer i) -> -nanFirst(faces.get(i).ageStd()));
        };
        idx.sort(c.thenComparing(Comparator.naturalOrder()));
        return idx;
    }

    private static double nanLast(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static double nanFirst(double v) {
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    /** Filters for {@link #view}. */
    public static final class Filters {
        private Filters() {
        }

        /** @return every face */
        public static Predicate<ReviewFace> all() {
            return f -> true;
        }

        /** @return faces not yet reviewed (and not marked not-a-face) */
        public static Predicate<ReviewFace> unreviewed() {
            return f -> !f.reviewed() && !f.notAFace();
        }

        /** @return faces reviewed */
        public static Predicate<ReviewFace> reviewed() {
            return ReviewFace::reviewed;
        }

        /**
         * @param a a class attribute
         * @param classIndex a class
         * @return faces whose current label is that class
         */
        public static Predicate<ReviewFace> value(Task a, int classIndex) {
            return f -> a != Task.AGE && f.labels().is(Target.of(a), classIndex);
        }
    }

    /**
     * Sets a class attribute (a person's correction: reviewed, confidence 1).
     *
     * @param face index in {@link #faces()}
     * @param a a class attribute
     * @param classIndex the class
     * @throws FaceAttrException when the autosave cannot be written (the edit is kept in memory)
     */
    public void setClass(int face, Task a, int classIndex) throws FaceAttrException {
        if (a == Task.AGE || !a.space().isIndex(classIndex)) {
            throw new IllegalArgumentException(a + " has no class " + classIndex);
        }
        ReviewFace f = faces.get(face);
        // race: the 7-class label, and the 5-class one that follows from it
        LabelSet n = f.labels().withFollowing(Target.of(a), classIndex);
        Map<String, Double> conf = new HashMap<>(f.confidence());
        conf.put(a.key(), 1.0);
        apply(face, f.with(n, conf, f.ageStd(), true, false));
    }

    /**
     * Sets the age (a person's correction); the age group follows it.
     *
     * @param face index
     * @param years the age, 0 to 120
     * @throws FaceAttrException when the autosave cannot be written
     */
    public void setAge(int face, double years) throws FaceAttrException {
        if (!(years >= 0 && years <= 120)) {
            throw new IllegalArgumentException("an age must be 0 to 120 years, got " + years);
        }
        ReviewFace f = faces.get(face);
        Map<String, Double> conf = new HashMap<>(f.confidence());
        conf.put(Task.AGE_GROUP.key(), 1.0);
        apply(face, f.with(f.labels().withFollowing(Target.AGE, years), conf, 0, true, false));
    }

    /**
     * Accepts the current labels as correct.
     *
     * @param face index
     * @throws FaceAttrException when the autosave cannot be written
     */
    public void accept(int face) throws FaceAttrException {
        ReviewFace f = faces.get(face);
        apply(face, f.with(f.labels(), f.confidence(), f.ageStd(), true, false));
    }

    /**
     * Marks or unmarks a detection as not a face (it is then never exported).
     *
     * @param face index
     * @param notAFace the new state
     * @throws FaceAttrException when the autosave cannot be written
     */
    public void setNotAFace(int face, boolean notAFace) throws FaceAttrException {
        ReviewFace f = faces.get(face);
        apply(face, f.with(f.labels(), f.confidence(), f.ageStd(), notAFace || f.reviewed(), notAFace));
    }

    private void apply(int face, ReviewFace next) throws FaceAttrException {
        undo.push(List.copyOf(faces));
        redo.clear();
        faces.set(face, next);
        changed(List.of(next));
    }

    /** @return whether there is an edit to undo */
    public boolean canUndo() {
        return !undo.isEmpty();
    }

    /** @return whether there is an undone edit to redo */
    public boolean canRedo() {
        return !redo.isEmpty();
    }

    /**
     * Undoes the last edit.
     *
     * @throws FaceAttrException when the autosave cannot be written
     */
    public void undo() throws FaceAttrException {
        if (undo.isEmpty()) {
            return;
        }
        redo.push(List.copyOf(faces));
        restore(undo.pop());
    }

    /**
     * Redoes the last undone edit.
     *
     * @throws FaceAttrException when the autosave cannot be written
     */
    public void redo() throws FaceAttrException {
        if (redo.isEmpty()) {
            return;
        }
        undo.push(List.copyOf(faces));
        restore(redo.pop());
    }

    private void restore(List<ReviewFace> state) throws FaceAttrException {
        List<ReviewFace> changed = new ArrayList<>();
        for (int i = 0; i < faces.size(); i++) {
            if (!faces.get(i).equals(state.get(i))) {
                changed.add(state.get(i));
            }
            faces.set(i, state.get(i));
        }
        changed(changed);
    }

    private void changed(List<ReviewFace> changed) throws FaceAttrException {
        dirty = true;
        FaceAttrException failed = null;
        try {
            save(); // first: a listener that fails must not cost the edit
        } catch (FaceAttrException e) {
            failed = e;
        }
        for (ReviewFace f : changed) {
            for (Consumer<ReviewFace> l : listeners) {
                try {
                    l.accept(f);
                } catch (RuntimeException e) {
                    // the others (the window, the table) still get the change
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** @return whether edits were made since the last {@link #save} (always saved when autosaving) */
    public boolean isDirty() {
        return dirty;
    }

    /**
     * Writes the autosave file now (atomically).
     *
     * @throws FaceAttrException naming the file when it cannot be written
     */
    public void save() throws FaceAttrException {
        if (autosave == null) {
            return;
        }
        List<ReviewFace> all = new ArrayList<>(faces);
        all.addAll(carried);
        String text = ReviewFile.write(all);
        try {
            AtomicFiles.write(autosave, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
            dirty = false;
        } catch (IOException e) {
            throw new FaceAttrException(autosave, "cannot save the review (" + e.getMessage() + "); your edits are "
                    + "still in the window: save the image's folder elsewhere or free disk space", e);
        }
    }

    /**
     * Reads an autosave file.
     *
     * @param file the file
     * @return its faces
     * @throws FaceAttrException naming the file when it is unreadable or not a review file
     */
    public static List<ReviewFace> load(Path file) throws FaceAttrException {
        try {
            return ReviewFile.read(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | JsonParseException | IllegalArgumentException e) {
            throw new FaceAttrException(file, "cannot read the saved review (" + e.getMessage() + "); delete it to "
                    + "start the review again", e);
        }
    }
}

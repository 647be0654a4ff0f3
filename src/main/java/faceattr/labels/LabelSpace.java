package faceattr.labels;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ordered, immutable set of class names: index {@code i} of a network output or a dataset
 * label means {@code className(i)}. The class names are what files and outputs carry (for
 * example {@code faces.csv}); the display names are for people (dialogs, tables, plots).
 *
 * <p>Two spaces are equal when their names and class lists are equal, so a model card can be
 * compared with the spaces of {@link LabelSpaces}.
 */
public final class LabelSpace {
    private final String name;
    private final List<String> classes;
    private final List<String> displayNames;
    private final Map<String, Integer> index;

    private LabelSpace(String name, List<String> classes, List<String> displayNames) {
        this.name = name;
        this.classes = classes;
        this.displayNames = displayNames;
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            m.put(classes.get(i), i);
        }
        this.index = Collections.unmodifiableMap(m);
    }

    /**
     * Creates a space whose display names are its class names.
     *
     * @param name a short identifier, e.g. {@code fairface_race}
     * @param classes the class names in index order: at least one, none blank, no duplicates
     * @return the space
     * @throws IllegalArgumentException when the names break those rules
     */
    public static LabelSpace of(String name, String... classes) {
        return of(name, Arrays.asList(classes), Arrays.asList(classes));
    }

    /**
     * Creates a space.
     *
     * @param name a short identifier, e.g. {@code fairface_race}
     * @param classes the class names in index order: at least one, none blank, no duplicates
     * @param displayNames one display name per class, in the same order
     * @return the space
     * @throws IllegalArgumentException when the names break those rules
     */
    public static LabelSpace of(String name, List<String> classes, List<String> displayNames) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a label space needs a name");
        }
        Objects.requireNonNull(classes, "classes");
        Objects.requireNonNull(displayNames, "displayNames");
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("label space " + name + " has no classes");
        }
        if (classes.size() != displayNames.size()) {
            throw new IllegalArgumentException("label space " + name + ": " + classes.size() + " classes but "
                    + displayNames.size() + " display names");
        }
        String[] c = classes.toArray(new String[0]);
        String[] d = displayNames.toArray(new String[0]);
        for (int i = 0; i < c.length; i++) {
            if (c[i] == null || c[i].isBlank() || d[i] == null || d[i].isBlank()) {
                throw new IllegalArgumentException("label space " + name + ": class " + i + " has a blank name");
            }
            for (int j = 0; j < i; j++) {
                if (c[j].equals(c[i])) {
                    throw new IllegalArgumentException("label space " + name + ": duplicate class '" + c[i] + "'");
                }
            }
        }
        return new LabelSpace(name, List.of(c), List.of(d));
    }

    /** @return the identifier of this space */
    public String name() {
        return name;
    }

    /** @return the number of classes */
    public int size() {
        return classes.size();
    }

    /** @return the class names in index order (unmodifiable) */
    public List<String> classes() {
        return classes;
    }

    /** @return the display names in index order (unmodifiable) */
    public List<String> displayNames() {
        return displayNames;
    }

    /**
     * @param i a class index
     * @return the class name at {@code i}
     * @throws IndexOutOfBoundsException when {@code i} is not a class index
     */
    public String className(int i) {
        return classes.get(i);
    }

    /**
     * @param i a class index
     * @return the display name at {@code i}
     * @throws IndexOutOfBoundsException when {@code i} is not a class index
     */
    public String displayName(int i) {
        return displayNames.get(i);
    }

    /**
     * @param className a class name, compared exactly (case and spaces matter, as in the datasets)
     * @return its index, or -1 when this space has no such class
     */
    public int indexOf(String className) {
        Integer i = index.get(className);
        return i == null ? -1 : i;
    }

    /**
     * @param className a class name, compared exactly
     * @return its index
     * @throws IllegalArgumentException when this space has no such class; the message lists the valid names
     */
    public int index(String className) {
        int i = indexOf(className);
        if (i < 0) {
            throw new IllegalArgumentException("'" + className + "' is not a class of " + name + "; expected one of "
                    + classes);
        }
        return i;
    }

    /**
     * @param i an integer
     * @return true when {@code i} is a valid class index
     */
    public boolean isIndex(int i) {
        return i >= 0 && i < classes.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSpace s && s.name.equals(name) && s.classes.equals(classes);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + classes.hashCode();
    }

    @Override
    public String toString() {
        return name + classes;
    }
}

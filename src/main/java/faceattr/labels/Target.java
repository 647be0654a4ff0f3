package faceattr.labels;

import java.util.Locale;

/**
 * A supervised quantity: what a dataset labels, a person reviews and the loss trains. Each target
 * trains the output of one network {@link Task}; race has two targets, since UTKFace labels it in
 * 5 classes and FairFace in 7, and both train {@link Task#RACE} (the 5-class one through the
 * grouping {@link LabelSpaces#RACE_FAIRFACE_TO_UTKFACE}). A target's value is an age in years for
 * {@link #AGE} and a class index of its {@link #space()} for the others.
 */
public enum Target {
    /** Age in years (UTKFace), any finite value >= 0; the loss clamps it to the age head's 0..100. */
    AGE(Task.AGE, null, "age"),
    /** Index in {@link LabelSpaces#AGE_GROUP}. */
    AGE_GROUP(Task.AGE_GROUP, LabelSpaces.AGE_GROUP, "age_group"),
    /** Index in {@link LabelSpaces#GENDER}. */
    GENDER(Task.GENDER, LabelSpaces.GENDER, "gender"),
    /** Index in {@link LabelSpaces#RACE_FAIRFACE} (FairFace's 7 classes). */
    RACE7(Task.RACE, LabelSpaces.RACE_FAIRFACE, "race"),
    /** Index in {@link LabelSpaces#RACE_UTKFACE} (UTKFace's 5 classes). */
    RACE5(Task.RACE, LabelSpaces.RACE_UTKFACE, "race5"),
    /** Index in {@link LabelSpaces#EMOTION}. */
    EMOTION(Task.EMOTION, LabelSpaces.EMOTION, "emotion");

    private final Task task;
    private final LabelSpace space;
    private final String column;

    Target(Task task, LabelSpace space, String column) {
        this.task = task;
        this.space = space;
        this.column = column;
    }

    /** @return the network task whose output this target trains */
    public Task task() {
        return task;
    }

    /** @return the classes of a class target, or null for {@link #AGE} */
    public LabelSpace space() {
        return space;
    }

    /** @return whether values are class indices (every target but {@link #AGE}) */
    public boolean isClass() {
        return space != null;
    }

    /**
     * @return the name in metrics, confusion matrices and fairness groups: the lower-case constant
     *     name, e.g. {@code age_group}, {@code race7}
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @return the column of {@code faces.csv}, of an export's {@code labels.csv} and of the ROI
     *     properties: {@code age}, {@code age_group}, {@code gender}, {@code race} (7 classes),
     *     {@code race5}, {@code emotion} (docs/contracts.md)
     */
    public String column() {
        return column;
    }

    /**
     * @param t a task
     * @return the target a person reviews for it: its own, and for race the 7-class one
     */
    public static Target of(Task t) {
        for (Target x : values()) {
            if (x.task == t) {
                return x; // the first: RACE7 comes before RACE5
            }
        }
        throw new IllegalArgumentException("no target trains " + t);
    }

    /**
     * @return the target this one follows from, or null: the age group from the age, 5-class race
     *     from 7-class race
     */
    public Target source() {
        return this == AGE_GROUP ? AGE : this == RACE5 ? RACE7 : null;
    }

    /**
     * @param sourceValue a value of {@link #source()}
     * @return this target's value that follows from it
     * @throws IllegalStateException when this target has no source
     */
    public int fromSource(double sourceValue) {
        return switch (this) {
            case AGE_GROUP -> LabelSpaces.ageGroupOf(sourceValue);
            case RACE5 -> LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.apply((int) sourceValue);
            default -> throw new IllegalStateException(this + " follows from no other target");
        };
    }

    /**
     * Checks a value.
     *
     * @param value an age in years, or a class index
     * @return the value
     * @throws IllegalArgumentException when the age is not finite and >= 0 or the index is not a
     *     class of {@link #space()}
     */
    public double check(double value) {
        if (space == null) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("age must be finite and >= 0, got " + value);
            }
        } else if (value != Math.rint(value) || !space.isIndex((int) value)) {
            throw new IllegalArgumentException(column + " index must be 0.." + (space.size() - 1) + ", got " + value);
        }
        return value;
    }

    /**
     * Reads a value as files write it.
     *
     * @param text an age in years, or a class name of {@link #space()}
     * @return the value
     * @throws IllegalArgumentException when it is not a number / not a class, naming the valid ones
     */
    public double parse(String text) {
        if (space != null) {
            return space.index(text);
        }
        try {
            return check(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("age '" + text + "' is not a number", e);
        }
    }

    /**
     * Writes a value as files hold it.
     *
     * @param value an age in years, or a class index
     * @return the age with one decimal, or the class name
     */
    public String format(double value) {
        return space == null ? String.format(Locale.ROOT, "%.1f", value) : space.className((int) value);
    }
}

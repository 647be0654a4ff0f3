package faceattr.labels;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The labels of one face: for each {@link Target} a value or nothing. Values are checked on the
 * way in ({@link Target#check}): an age is finite and at least 0, a class index is one of the
 * target's space. Datasets label different subsets (UTKFace: age, age group, gender, 5-class
 * race; FairFace: age group, gender, 7-class race; RAF-DB: emotion), so most sets are partial.
 * Immutable; {@link #with} and {@link #without} make new sets.
 */
public final class LabelSet {
    /** No label at all. */
    public static final LabelSet NONE = new LabelSet(empty());

    private final double[] values; // by Target ordinal; NaN where there is no label

    private LabelSet(double[] values) {
        this.values = values;
    }

    private static double[] empty() {
        double[] v = new double[Target.values().length];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    /**
     * @param t a target
     * @return whether this set has a value for it
     */
    public boolean has(Target t) {
        return !Double.isNaN(values[t.ordinal()]);
    }

    /**
     * @param t a target
     * @return its value: an age in years, or a class index
     * @throws IllegalStateException when there is none
     */
    public double get(Target t) {
        require(t);
        return values[t.ordinal()];
    }

    /**
     * @param t a class target
     * @return its class index
     * @throws IllegalStateException when there is none
     * @throws IllegalArgumentException for {@link Target#AGE}
     */
    public int index(Target t) {
        if (!t.isClass()) {
            throw new IllegalArgumentException(t + " is not a class target; use get(" + t + ")");
        }
        require(t);
        return (int) values[t.ordinal()];
    }

    /**
     * @param t a target
     * @param classIndex a class index
     * @return whether this set has exactly that class for the target
     */
    public boolean is(Target t, int classIndex) {
        return has(t) && values[t.ordinal()] == classIndex;
    }

    private void require(Target t) {
        if (!has(t)) {
            throw new IllegalStateException("no " + t.column() + " label");
        }
    }

    /**
     * @param t a target
     * @param value an age in years, or a class index of the target's space
     * @return this set with the value
     * @throws IllegalArgumentException when the value is out of range
     */
    public LabelSet with(Target t, double value) {
        double[] v = values.clone();
        v[t.ordinal()] = t.check(value);
        return new LabelSet(v);
    }

    /**
     * Sets a value and the targets that follow from it ({@link Target#source()}): an age also sets
     * the age group, a 7-class race also the 5-class race.
     *
     * @param t a target
     * @param value its value
     * @return this set with the value and what follows
     * @throws IllegalArgumentException when the value is out of range
     */
    public LabelSet withFollowing(Target t, double value) {
        LabelSet out = with(t, value);
        for (Target d : Target.values()) {
            if (d.source() == t) {
                out = out.with(d, d.fromSource(value));
            }
        }
        return out;
    }

    /**
     * @param t a target that follows from another ({@link Target#source()})
     * @return this set, with {@code t} filled in from its source where it lacks {@code t} and has the source
     */
    public LabelSet completed(Target t) {
        Target s = t.source();
        return has(t) || s == null || !has(s) ? this : with(t, t.fromSource(get(s)));
    }

    /**
     * @param t a target
     * @return this set without a value for it
     */
    public LabelSet without(Target t) {
        double[] v = values.clone();
        v[t.ordinal()] = Double.NaN;
        return new LabelSet(v);
    }

    /**
     * @param keep which targets to keep
     * @return this set with the values of the other targets removed
     */
    public LabelSet only(Predicate<Target> keep) {
        double[] v = values.clone();
        for (Target t : Target.values()) {
            if (!keep.test(t)) {
                v[t.ordinal()] = Double.NaN;
            }
        }
        return new LabelSet(v);
    }

    /** @return the targets that have a value, in {@link Target} order */
    public Set<Target> targets() {
        Set<Target> out = EnumSet.noneOf(Target.class);
        for (Target t : Target.values()) {
            if (has(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** @return whether no label is set */
    public boolean isEmpty() {
        return targets().isEmpty();
    }

    /**
     * @param t a target
     * @return its value as files write it ({@link Target#format}), or an empty string when there is none
     */
    public String text(Target t) {
        return has(t) ? t.format(values[t.ordinal()]) : "";
    }

    /**
     * @param t a target
     * @param text its value as files write it ({@link Target#parse}); empty (or blank) for none
     * @return this set with the value, or this set when {@code text} is empty
     * @throws IllegalArgumentException when the text is not a valid value
     */
    public LabelSet withText(Target t, String text) {
        return text == null || text.isBlank() ? this : with(t, t.parse(text.trim()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSet s && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("LabelSet[");
        for (Target t : targets()) {
            b.append(b.length() == 9 ? "" : ", ").append(t.key()).append('=').append(t.isClass() ? index(t) : get(t));
        }
        return b.append(']').toString();
    }
}

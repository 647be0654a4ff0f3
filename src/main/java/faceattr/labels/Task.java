package faceattr.labels;

/**
 * The tasks of the multi-task network, in the fixed order of its outputs: age (a distribution
 * over one-year bins), age group, gender, race (FairFace's 7 classes) and emotion. The key is
 * the name used in model cards, logs and metric tables.
 */
public enum Task {
    /** Age as a distribution over {@link LabelSpaces#AGE_BINS}. */
    AGE("age", LabelSpaces.AGE_BINS),
    /** FairFace age group. */
    AGE_GROUP("age_group", LabelSpaces.AGE_GROUP),
    /** Gender. */
    GENDER("gender", LabelSpaces.GENDER),
    /** Race in FairFace's 7 classes (UTKFace's 5 are a grouping of them). */
    RACE("race", LabelSpaces.RACE_FAIRFACE),
    /** Emotion in the product's order. */
    EMOTION("emotion", LabelSpaces.EMOTION);

    private final String key;
    private final LabelSpace space;

    Task(String key, LabelSpace space) {
        this.key = key;
        this.space = space;
    }

    /** @return the name of the task in model cards and logs, e.g. {@code age_group} */
    public String key() {
        return key;
    }

    /** @return the classes of the task's output, in output order */
    public LabelSpace space() {
        return space;
    }

    /** @return the width of the task's logits */
    public int outputs() {
        return space.size();
    }

    /**
     * @return the branch group a task naturally shares with others: {@code age} for AGE and
     *     AGE_GROUP (both read the same cues), else the task's own key
     */
    public String naturalGroup() {
        return this == AGE_GROUP ? "age" : key;
    }

    /**
     * @param ageBins the width of the age head (ages 0..ageBins-1)
     * @return the width of this task's head
     */
    public int classes(int ageBins) {
        return this == AGE ? ageBins : outputs();
    }

    /**
     * Parses a task name as users type it (case-insensitive, '-' or '_').
     *
     * @param key e.g. "age_group" or "Age-Group"
     * @return the task
     * @throws IllegalArgumentException naming the valid tasks
     */
    public static Task parse(String key) {
        String k = key.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        for (Task t : values()) {
            if (t.key.equals(k)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + key + "'; valid: age, age_group, gender, race, emotion");
    }

    /**
     * @param key a task key exactly as stored in model cards, e.g. {@code age_group}
     * @return the task with that key
     * @throws IllegalArgumentException when there is none
     */
    public static Task ofKey(String key) {
        for (Task t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + key + "'");
    }
}

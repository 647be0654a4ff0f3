package faceattr.labels;

import java.util.ArrayList;
import java.util.List;

/**
 * The label spaces of the product and of the datasets it reads, and the maps between them:
 * the one place that knows class names, their order and how one dataset's codes become
 * another's. Sources: the datasets' own documentation (see {@code docs/facts.md}) and the
 * public output contract ({@code docs/contracts.md}).
 *
 * <p>Product spaces (what the network predicts and what outputs carry): {@link #AGE_BINS},
 * {@link #AGE_GROUP}, {@link #GENDER}, {@link #RACE_FAIRFACE}, {@link #EMOTION}. Source spaces
 * (how datasets or other models spell labels): {@link #GENDER_FAIRFACE}, {@link #RACE_UTKFACE},
 * {@link #EMOTION_RAFDB}, {@link #EXPRESSION_FACE_API}.
 */
public final class LabelSpaces {
    /** Youngest age the age head represents, in years. */
    public static final int AGE_MIN = 0;
    /** Oldest age the age head represents, in years; older true ages are clamped to it (UTKFace reaches 116). */
    public static final int AGE_MAX = 100;

    /** Ages 0..100 in one-year bins ({@code "0"} .. {@code "100"}), the classes of the age head. */
    public static final LabelSpace AGE_BINS = ageBins();

    /** FairFace's 9 age groups, as spelled in its CSV files and in {@code faces.csv}. */
    public static final LabelSpace AGE_GROUP = LabelSpace.of("age_group", "0-2", "3-9", "10-19", "20-29", "30-39",
            "40-49", "50-59", "60-69", "more than 70");

    /** Gender as the product writes it; index 0 male, 1 female, which are also UTKFace's codes. */
    public static final LabelSpace GENDER = LabelSpace.of("gender", List.of("male", "female"),
            List.of("Male", "Female"));

    /** Gender as FairFace's CSV spells it. */
    public static final LabelSpace GENDER_FAIRFACE = LabelSpace.of("fairface_gender", "Male", "Female");

    /** FairFace's 7 race classes, in FairFace's order and spelling; the race head predicts these. */
    public static final LabelSpace RACE_FAIRFACE = LabelSpace.of("fairface_race",
            List.of("White", "Black", "Latino_Hispanic", "East Asian", "Southeast Asian", "Indian", "Middle Eastern"),
            List.of("White", "Black", "Latino/Hispanic", "East Asian", "Southeast Asian", "Indian", "Middle Eastern"));

    /** UTKFace's 5 race classes; the index is UTKFace's code in file names (0 White .. 4 Others). */
    public static final LabelSpace RACE_UTKFACE = LabelSpace.of("utkface_race", "White", "Black", "Asian", "Indian",
            "Others");

    /** The 7 emotions in the product's order and spelling ({@code docs/contracts.md}). */
    public static final LabelSpace EMOTION = LabelSpace.of("emotion",
            List.of("neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"),
            List.of("Neutral", "Happiness", "Sadness", "Anger", "Fear", "Disgust", "Surprise"));

    /** RAF-DB basic emotions in RAF-DB's order: index {@code i} is RAF-DB label {@code i + 1}. */
    public static final LabelSpace EMOTION_RAFDB = LabelSpace.of("rafdb_emotion", "Surprise", "Fear", "Disgust",
            "Happiness", "Sadness", "Anger", "Neutral");

    /** face-api.js expression outputs, in the order of its model's output vector. */
    public static final LabelSpace EXPRESSION_FACE_API = LabelSpace.of("faceapi_expression", "neutral", "happy",
            "sad", "angry", "fearful", "disgusted", "surprised");

    /** FairFace gender spelling onto the product's. */
    public static final LabelMap GENDER_FAIRFACE_TO_GENDER = LabelMap.byName(GENDER_FAIRFACE, GENDER, "male",
            "female");

    /**
     * FairFace's 7 races grouped into UTKFace's 5: East and Southeast Asian are Asian; Latino_Hispanic
     * and Middle Eastern fall into Others; White, Black and Indian map one to one.
     */
    public static final LabelMap RACE_FAIRFACE_TO_UTKFACE = LabelMap.byName(RACE_FAIRFACE, RACE_UTKFACE, "White",
            "Black", "Others", "Asian", "Asian", "Indian", "Others");

    /** RAF-DB emotions (by index = label - 1) onto the product's order. */
    public static final LabelMap EMOTION_RAFDB_TO_EMOTION = LabelMap.byName(EMOTION_RAFDB, EMOTION, "surprise",
            "fear", "disgust", "happiness", "sadness", "anger", "neutral");

    /** face-api.js expressions onto the product's emotions (the same order, other spellings). */
    public static final LabelMap EXPRESSION_FACE_API_TO_EMOTION = LabelMap.byName(EXPRESSION_FACE_API, EMOTION,
            "neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise");

    // Lower bound (years) of each FairFace age group; a group ends where the next one starts.
    private static final int[] AGE_GROUP_START = {0, 3, 10, 20, 30, 40, 50, 60, 70};

    private LabelSpaces() {
    }

    private static LabelSpace ageBins() {
        List<String> names = new ArrayList<>();
        for (int a = AGE_MIN; a <= AGE_MAX; a++) {
            names.add(Integer.toString(a));
        }
        return LabelSpace.of("age", names, names);
    }

    /**
     * The FairFace age group of an age. Group bounds are in completed years, so a fractional age
     * belongs to the group of its whole part: 2.9 is {@code 0-2}, 3.0 is {@code 3-9}, and 70 or
     * more is {@code more than 70} (FairFace's last group starts where {@code 60-69} ends).
     *
     * @param years an age in years, at least 0
     * @return the index in {@link #AGE_GROUP}
     * @throws IllegalArgumentException when {@code years} is negative or not a number
     */
    public static int ageGroupOf(double years) {
        if (!(years >= 0)) {
            throw new IllegalArgumentException("an age must be a number >= 0, got " + years);
        }
        int g = AGE_GROUP_START.length - 1;
        while (years < AGE_GROUP_START[g]) {
            g--;
        }
        return g;
    }

    /**
     * @param group an index of {@link #AGE_GROUP}
     * @return the youngest age in the group, in years
     */
    public static int ageGroupStart(int group) {
        return AGE_GROUP_START[group];
    }

    /**
     * @param code a UTKFace gender code from a file name (0 male, 1 female)
     * @return the index in {@link #GENDER}
     * @throws IllegalArgumentException for any other code
     */
    public static int genderOfUtkFace(int code) {
        if (!GENDER.isIndex(code)) {
            throw new IllegalArgumentException("UTKFace gender must be 0 (male) or 1 (female), got " + code);
        }
        return code;
    }

    /**
     * @param code a UTKFace race code from a file name (0 White, 1 Black, 2 Asian, 3 Indian, 4 Others)
     * @return the index in {@link #RACE_UTKFACE}
     * @throws IllegalArgumentException for any other code
     */
    public static int raceOfUtkFace(int code) {
        if (!RACE_UTKFACE.isIndex(code)) {
            throw new IllegalArgumentException("UTKFace race must be 0..4, got " + code);
        }
        return code;
    }

    /**
     * @param label a RAF-DB basic-emotion label as in {@code list_patition_label.txt} (1..7)
     * @return the index in {@link #EMOTION}
     * @throws IllegalArgumentException for any other label
     */
    public static int emotionOfRafDb(int label) {
        if (label < 1 || label > EMOTION_RAFDB.size()) {
            throw new IllegalArgumentException("RAF-DB emotion labels are 1..7, got " + label);
        }
        return EMOTION_RAFDB_TO_EMOTION.apply(label - 1);
    }
}

package faceattr.data;

import faceattr.labels.LabelSpaces;
import faceattr.model.loss.Labels;
import java.util.List;

/**
 * The labels of one face; null where the source has none. Indices are in the product's spaces:
 * {@link LabelSpaces#AGE_GROUP}, {@link LabelSpaces#GENDER}, {@link LabelSpaces#RACE_FAIRFACE}
 * (7 classes), {@link LabelSpaces#RACE_UTKFACE} (5 classes), {@link LabelSpaces#EMOTION}.
 *
 * @param age age in years
 * @param ageGroup FairFace age group
 * @param gender gender
 * @param race7 race in FairFace's 7 classes
 * @param race5 race in UTKFace's 5 classes
 * @param emotion emotion
 */
public record FaceLabels(Double age, Integer ageGroup, Integer gender, Integer race7, Integer race5, Integer emotion) {
    /** No label at all. */
    public static final FaceLabels NONE = new FaceLabels(null, null, null, null, null, null);

    /** Checks ranges. */
    public FaceLabels {
        if (age != null && (!(age >= 0) || age.isInfinite())) {
            throw new IllegalArgumentException("age must be finite and >= 0, got " + age);
        }
        check(ageGroup, LabelSpaces.AGE_GROUP.size(), "age group");
        check(gender, LabelSpaces.GENDER.size(), "gender");
        check(race7, LabelSpaces.RACE_FAIRFACE.size(), "race (7 classes)");
        check(race5, LabelSpaces.RACE_UTKFACE.size(), "race (5 classes)");
        check(emotion, LabelSpaces.EMOTION.size(), "emotion");
    }

    private static void check(Integer v, int n, String what) {
        if (v != null && (v < 0 || v >= n)) {
            throw new IllegalArgumentException(what + " index must be 0.." + (n - 1) + ", got " + v);
        }
    }

    /** @return whether no label is set */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * @param samples labels of a batch, in order
     * @return them as a masked batch for the loss
     */
    public static Labels toBatch(List<FaceLabels> samples) {
        Labels.Builder b = Labels.builder(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            FaceLabels l = samples.get(i);
            if (l.age != null) {
                b.age(i, l.age);
            }
            set(b, Labels.Target.AGE_GROUP, i, l.ageGroup);
            set(b, Labels.Target.GENDER, i, l.gender);
            set(b, Labels.Target.RACE7, i, l.race7);
            set(b, Labels.Target.RACE5, i, l.race5);
            set(b, Labels.Target.EMOTION, i, l.emotion);
        }
        return b.build();
    }

    private static void set(Labels.Builder b, Labels.Target t, int i, Integer v) {
        if (v != null) {
            b.label(t, i, v);
        }
    }
}

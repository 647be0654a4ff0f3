package faceattr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitsTest {
    private static List<Sample> utk(int n) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int age = (i * 7) % 90;
            out.add(new Sample(Path.of("u" + i + ".jpg"), "u" + i, LabelSet.NONE.with(Target.AGE, age)
                    .with(Target.AGE_GROUP, faceattr.labels.LabelSpaces.ageGroupOf(age)).with(Target.GENDER, i % 2)
                    .with(Target.RACE5, i % 5), true, null, "utkface"));
        }
        return out;
    }

    @Test
    void seededStratifiedAndIndependentOfOrder() {
        List<Sample> samples = utk(1000);
        List<Sample> a = Splits.apply(samples, Splits.Options.DEFAULT);
        List<Sample> shuffled = new ArrayList<>(samples);
        Collections.shuffle(shuffled, new java.util.Random(5));
        List<Sample> b = Splits.apply(shuffled, Splits.Options.DEFAULT);
        assertEquals(ids(Splits.of(a, Split.VAL)), ids(Splits.of(b, Split.VAL)), "same seed, same split");
        assertEquals(200, Splits.of(a, Split.VAL).size(), 9);
        // every age group is in both parts, in about the same proportion
        for (int g = 0; g < 9; g++) {
            final int group = g;
            long all = a.stream().filter(s -> s.labels().index(Target.AGE_GROUP) == group).count();
            long val = Splits.of(a, Split.VAL).stream().filter(s -> s.labels().index(Target.AGE_GROUP) == group)
                    .count();
            if (all >= 10) {
                assertEquals(0.2, val / (double) all, 0.06, "age group " + g);
            }
        }
        List<Sample> other = Splits.apply(samples, new Splits.Options(0.2, 7, null, null));
        assertNotEquals(ids(Splits.of(a, Split.VAL)), ids(Splits.of(other, Split.VAL)), "another seed differs");
    }

    @Test
    void keepsDatasetSplitsAndAppliesTheAgeProtocolToUtkFaceOnly() {
        List<Sample> samples = new ArrayList<>(utk(100));
        samples.add(new Sample(Path.of("f.jpg"), "f", LabelSet.NONE.with(Target.AGE_GROUP, 0).with(Target.GENDER, 1)
                .with(Target.RACE7, 2), true, Split.VAL,
                "fairface"));
        List<Sample> out = Splits.apply(samples, Splits.Options.DEFAULT.ageRange(21, 60));
        assertTrue(out.stream().filter(s -> s.source().equals("utkface"))
                .allMatch(s -> s.labels().get(Target.AGE) >= 21 && s.labels().get(Target.AGE) <= 60));
        assertEquals(Split.VAL, out.stream().filter(s -> s.id().equals("f")).findFirst().orElseThrow().split());
        assertTrue(out.stream().allMatch(s -> s.split() != null));
    }

    private static List<String> ids(List<Sample> s) {
        return s.stream().map(Sample::id).sorted().toList();
    }
}

package faceattr.train;

import faceattr.data.FaceLabels;
import faceattr.labels.LabelSpace;
import faceattr.labels.LabelSpaces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Evaluation metrics, each computed only over the samples that have the label: age MAE and CS@5
 * (share of ages within 5 years), FairFace age-group accuracy, gender accuracy, race accuracy in
 * 7 and in 5 classes, emotion accuracy and mean per-class accuracy, confusion matrices, and every
 * metric again per gender and per race group where those labels exist (a fairness audit).
 */
public final class Evaluation {
    /**
     * One evaluated face: its labels and the model's predictions (null where the model lacks the
     * task).
     *
     * @param labels the true labels
     * @param age predicted age in years
     * @param ageGroup predicted age group
     * @param gender predicted gender
     * @param race7 predicted race, 7 classes
     * @param race5 predicted race, 5 classes (summed probabilities)
     * @param emotion predicted emotion
     */
    public record Prediction(FaceLabels labels, Double age, Integer ageGroup, Integer gender, Integer race7,
            Integer race5, Integer emotion) {
    }

    /** The tasks scored, with their label spaces. */
    enum Scored {
        AGE_GROUP(LabelSpaces.AGE_GROUP, p -> p.labels().ageGroup(), Prediction::ageGroup),
        GENDER(LabelSpaces.GENDER, p -> p.labels().gender(), Prediction::gender),
        RACE7(LabelSpaces.RACE_FAIRFACE, p -> p.labels().race7(), Prediction::race7),
        RACE5(LabelSpaces.RACE_UTKFACE, p -> p.labels().race5(), Prediction::race5),
        EMOTION(LabelSpaces.EMOTION, p -> p.labels().emotion(), Prediction::emotion);

        final LabelSpace space;
        final Function<Prediction, Integer> truth;
        final Function<Prediction, Integer> predicted;

        Scored(LabelSpace space, Function<Prediction, Integer> truth, Function<Prediction, Integer> predicted) {
            this.space = space;
            this.truth = truth;
            this.predicted = predicted;
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private Evaluation() {
    }

    /**
     * @param p predictions
     * @return metric name to value; a metric without any labelled sample is absent. Keys:
     *     {@code n}, {@code age_mae}, {@code age_cs5}, {@code <task>_acc} for age_group, gender,
     *     race7, race5, emotion, and {@code emotion_mean_class_acc}
     */
    public static Map<String, Double> metrics(List<Prediction> p) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("n", (double) p.size());
        double err = 0;
        int within5 = 0;
        int aged = 0;
        for (Prediction x : p) {
            if (x.labels().age() != null && x.age() != null) {
                double e = Math.abs(x.age() - x.labels().age());
                err += e;
                within5 += e <= 5 ? 1 : 0;
                aged++;
            }
        }
        if (aged > 0) {
            m.put("age_mae", err / aged);
            m.put("age_cs5", within5 / (double) aged);
        }
        for (Scored s : Scored.values()) {
            int[][] c = confusion(p, s);
            long n = 0;
            long correct = 0;
            for (int i = 0; i < c.length; i++) {
                for (int j = 0; j < c.length; j++) {
                    n += c[i][j];
                    correct += i == j ? c[i][j] : 0;
                }
            }
            if (n > 0) {
                m.put(s.key() + "_acc", correct / (double) n);
            }
            if (s == Scored.EMOTION && n > 0) {
                double sum = 0;
                int classes = 0;
                for (int i = 0; i < c.length; i++) {
                    long row = 0;
                    for (int j = 0; j < c.length; j++) {
                        row += c[i][j];
                    }
                    if (row > 0) {
                        sum += c[i][i] / (double) row;
                        classes++;
                    }
                }
                m.put("emotion_mean_class_acc", sum / classes);
            }
        }
        return m;
    }

    /**
     * @param p predictions
     * @param s a scored task
     * @return counts [true class][predicted class] over the samples with both
     */
    static int[][] confusion(List<Prediction> p, Scored s) {
        int k = s.space.size();
        int[][] c = new int[k][k];
        for (Prediction x : p) {
            Integer t = s.truth.apply(x);
            Integer q = s.predicted.apply(x);
            if (t != null && q != null) {
                c[t][q]++;
            }
        }
        return c;
    }

    /**
     * @param p predictions
     * @return confusion matrices of the tasks that have labelled and predicted samples
     */
    public static Map<String, int[][]> confusions(List<Prediction> p) {
        Map<String, int[][]> out = new LinkedHashMap<>();
        for (Scored s : Scored.values()) {
            int[][] c = confusion(p, s);
            if (java.util.Arrays.stream(c).flatMapToInt(java.util.Arrays::stream).sum() > 0) {
                out.put(s.key(), c);
            }
        }
        return out;
    }

    /**
     * The fairness audit: every metric per group, for the groups a label defines.
     *
     * @param p predictions
     * @return {@code "gender=female"}, {@code "race7=East Asian"}, {@code "race5=Asian"} ... to
     *     that group's metrics; groups without samples are absent
     */
    public static Map<String, Map<String, Double>> byGroup(List<Prediction> p) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        group(p, out, "gender", LabelSpaces.GENDER, x -> x.labels().gender());
        group(p, out, "race7", LabelSpaces.RACE_FAIRFACE, x -> x.labels().race7());
        group(p, out, "race5", LabelSpaces.RACE_UTKFACE, x -> x.labels().race5());
        return out;
    }

    private static void group(List<Prediction> p, Map<String, Map<String, Double>> out, String name, LabelSpace space,
            Function<Prediction, Integer> key) {
        for (int g = 0; g < space.size(); g++) {
            List<Prediction> members = new ArrayList<>();
            for (Prediction x : p) {
                Integer v = key.apply(x);
                if (v != null && v == g) {
                    members.add(x);
                }
            }
            if (!members.isEmpty()) {
                out.put(name + "=" + space.className(g), metrics(members));
            }
        }
    }

    /** @return the class names of a confusion matrix's task */
    static List<String> classes(String task) {
        return Scored.valueOf(task.toUpperCase(java.util.Locale.ROOT)).space.classes();
    }

    /**
     * Decodes a batch of network outputs into predictions: age as the expectation over the age
     * bins, classes by the largest probability, 5-class race from the summed 7-class probabilities.
     *
     * @param logits the outputs in {@link faceattr.labels.Task} order, all five (zeros where the
     *     network lacks a task), each (N, classes)
     * @param labels the N samples' labels
     * @param tasks the tasks the network has
     * @param ageBins the number of age bins
     * @return one prediction per sample
     */
    public static List<Prediction> predictions(ai.djl.ndarray.NDList logits, List<FaceLabels> labels,
            List<faceattr.labels.Task> tasks, int ageBins) {
        float[][] p = new float[faceattr.labels.Task.values().length][];
        for (faceattr.labels.Task t : tasks) {
            p[t.ordinal()] = logits.get(t.ordinal()).softmax(1).toFloatArray();
        }
        List<Prediction> out = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            Double age = null;
            if (p[faceattr.labels.Task.AGE.ordinal()] != null) {
                double e = 0;
                for (int k = 0; k < ageBins; k++) {
                    e += p[faceattr.labels.Task.AGE.ordinal()][i * ageBins + k] * k;
                }
                age = e;
            }
            Integer race5 = null;
            float[] race = p[faceattr.labels.Task.RACE.ordinal()];
            if (race != null) {
                double[] seven = new double[7];
                for (int k = 0; k < 7; k++) {
                    seven[k] = race[i * 7 + k];
                }
                race5 = argmax(LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.mapProbabilities(seven));
            }
            out.add(new Prediction(labels.get(i), age, argmax(p[faceattr.labels.Task.AGE_GROUP.ordinal()], i, 9),
                    argmax(p[faceattr.labels.Task.GENDER.ordinal()], i, 2), argmax(race, i, 7), race5,
                    argmax(p[faceattr.labels.Task.EMOTION.ordinal()], i, 7)));
        }
        return out;
    }

    private static Integer argmax(float[] p, int row, int classes) {
        if (p == null) {
            return null;
        }
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (p[row * classes + k] > p[row * classes + best]) {
                best = k;
            }
        }
        return best;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }
}

package faceattr.train;

import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import faceattr.labels.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluation metrics, each computed only over the samples that have the label: age MAE and CS@5
 * (share of ages within 5 years), FairFace age-group accuracy, gender accuracy, race accuracy in
 * 7 and in 5 classes, emotion accuracy and mean per-class accuracy, confusion matrices, and every
 * metric again per gender and per race group where those labels exist (a fairness audit).
 */
public final class Evaluation {
    /**
     * One evaluated face: its labels and the model's predictions, as labels of the same targets
     * (absent where the model lacks the task): age as the expectation over the age bins, each class
     * target by its largest probability, 5-class race from the summed 7-class probabilities.
     *
     * @param labels the true labels
     * @param predicted the predictions
     */
    public record Prediction(LabelSet labels, LabelSet predicted) {
    }

    /** The class targets scored, in the order of the metrics. */
    private static final List<Target> SCORED = List.of(Target.AGE_GROUP, Target.GENDER, Target.RACE7, Target.RACE5,
            Target.EMOTION);

    /** The labels that define the groups of the fairness audit. */
    private static final List<Target> GROUPS = List.of(Target.GENDER, Target.RACE7, Target.RACE5);

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
            if (x.labels().has(Target.AGE) && x.predicted().has(Target.AGE)) {
                double e = Math.abs(x.predicted().get(Target.AGE) - x.labels().get(Target.AGE));
                err += e;
                within5 += e <= 5 ? 1 : 0;
                aged++;
            }
        }
        if (aged > 0) {
            m.put("age_mae", err / aged);
            m.put("age_cs5", within5 / (double) aged);
        }
        for (Target s : SCORED) {
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
            if (s == Target.EMOTION && n > 0) {
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
     * @param s a scored target
     * @return counts [true class][predicted class] over the samples with both
     */
    static int[][] confusion(List<Prediction> p, Target s) {
        int k = s.space().size();
        int[][] c = new int[k][k];
        for (Prediction x : p) {
            if (x.labels().has(s) && x.predicted().has(s)) {
                c[x.labels().index(s)][x.predicted().index(s)]++;
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
        for (Target s : SCORED) {
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
        for (Target t : GROUPS) {
            for (int g = 0; g < t.space().size(); g++) {
                List<Prediction> members = new ArrayList<>();
                for (Prediction x : p) {
                    if (x.labels().is(t, g)) {
                        members.add(x);
                    }
                }
                if (!members.isEmpty()) {
                    out.put(t.key() + "=" + t.space().className(g), metrics(members));
                }
            }
        }
        return out;
    }

    /** @return the class names of a confusion matrix's task */
    static List<String> classes(String task) {
        return Target.valueOf(task.toUpperCase(java.util.Locale.ROOT)).space().classes();
    }

    /**
     * Decodes a batch of network outputs into predictions: age as the expectation over the age
     * bins, classes by the largest probability, 5-class race from the summed 7-class probabilities.
     *
     * @param logits the outputs in {@link Task} order, all five (zeros where the
     *     network lacks a task), each (N, classes)
     * @param labels the N samples' labels
     * @param tasks the tasks the network has
     * @param ageBins the number of age bins
     * @return one prediction per sample
     */
    public static List<Prediction> predictions(ai.djl.ndarray.NDList logits, List<LabelSet> labels, List<Task> tasks,
            int ageBins) {
        float[][] p = new float[Task.values().length][];
        for (Task t : tasks) {
            p[t.ordinal()] = logits.get(t.ordinal()).softmax(1).toFloatArray();
        }
        List<Prediction> out = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            LabelSet predicted = LabelSet.NONE;
            for (Task t : tasks) {
                int k = t.classes(ageBins);
                double[] row = new double[k];
                for (int c = 0; c < k; c++) {
                    row[c] = p[t.ordinal()][i * k + c];
                }
                if (t == Task.AGE) {
                    double e = 0;
                    for (int c = 0; c < k; c++) {
                        e += p[t.ordinal()][i * k + c] * c; // a float product, as the metrics always had it
                    }
                    if (!Double.isNaN(e)) { // the outputs of a diverged network: no age to score
                        predicted = predicted.with(Target.AGE, e);
                    }
                } else {
                    predicted = predicted.with(Target.of(t), argmax(row));
                }
                if (t == Task.RACE) {
                    predicted = predicted.with(Target.RACE5,
                            argmax(LabelSpaces.RACE_FAIRFACE_TO_UTKFACE.mapProbabilities(row)));
                }
            }
            out.add(new Prediction(labels.get(i), predicted));
        }
        return out;
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

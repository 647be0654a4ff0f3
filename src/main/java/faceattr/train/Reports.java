package faceattr.train;

import java.util.List;
import java.util.Map;

/** The evaluation report in Markdown, with rows set out like the paper's tables (docs/training.md). */
final class Reports {
    private static final List<String> COLUMNS = List.of("n", "age_mae", "age_cs5", "age_group_acc", "gender_acc",
            "race7_acc", "race5_acc", "emotion_acc", "emotion_mean_class_acc");
    private static final List<String> TITLES = List.of("faces", "age MAE (years)", "age CS@5", "age group acc.",
            "gender acc.", "race acc. (7)", "race acc. (5)", "emotion acc.", "emotion mean class acc.");

    private Reports() {
    }

    static String markdown(String model, Evaluator.Report r, List<String> plots) {
        StringBuilder sb = new StringBuilder("# Evaluation of model \"" + model + "\"\n\n");
        sb.append("Each metric is computed only over the faces that have its label (\"–\": none).\n\n");
        sb.append("## Overall and per dataset\n\n");
        table(sb, "data", Map.of("all", r.overall()), List.of("all"));
        table(sb, null, r.byDataset(), List.copyOf(r.byDataset().keySet()));
        sb.append("\nPublished reference numbers (docs/facts.md; protocols differ): UTKFace age MAE 4.37 (MWR, ages "
                + "21-60), face-api 4.54; FairFace ResNet-34 age group 59.7 %, gender 94.2 %, race 93.7 %; RAF-DB "
                + "7-class accuracy 89.70 (DAN) to 92.05 (POSTER).\n\n");
        sb.append("## Fairness audit: per gender and race group\n\n");
        if (r.byGroup().isEmpty()) {
            sb.append("These datasets label neither gender nor race, so no group breakdown is possible.\n");
        } else {
            table(sb, "group", r.byGroup(), List.copyOf(r.byGroup().keySet()));
        }
        if (!plots.isEmpty()) {
            sb.append("\n## Plots\n\n");
            for (String p : plots) {
                sb.append("![").append(p).append("](").append(p).append(")\n\n");
            }
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, String first, Map<String, Map<String, Double>> rows, List<String> order) {
        if (first != null) {
            sb.append("| ").append(first);
            TITLES.forEach(t -> sb.append(" | ").append(t));
            sb.append(" |\n|---");
            TITLES.forEach(t -> sb.append("|---"));
            sb.append("|\n");
        }
        for (String row : order) {
            sb.append("| ").append(row);
            for (String c : COLUMNS) {
                sb.append(" | ").append(Evaluator.fmt(rows.get(row).get(c), c));
            }
            sb.append(" |\n");
        }
    }
}

package faceattr.train;

import faceattr.core.FaceAttrException;
import faceattr.io.Csv;
import faceattr.io.Plots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics of every finished epoch: {@code history.csv} beside the checkpoint (one row per
 * epoch, a column per metric in the order the metrics first appear), the training-curves plot
 * evaluation draws from it, and the one-line form the log shows.
 */
final class History {
    /** The file's name in the training folder. */
    static final String FILE = "history.csv";

    private History() {
    }

    /** @return the history file of the model folder {@code modelDir} */
    static Path of(Path modelDir) {
        return FaceTrainer.trainingDir(modelDir).resolve(FILE);
    }

    /**
     * Writes the file anew (rows of resumed runs included, so it always covers the whole run).
     *
     * @param file the file
     * @param epochs per epoch, its metrics
     * @throws FaceAttrException when it cannot be written
     */
    static void write(Path file, List<Map<String, Double>> epochs) throws FaceAttrException {
        List<String> cols = new ArrayList<>();
        epochs.forEach(h -> h.keySet().forEach(k -> {
            if (!cols.contains(k)) {
                cols.add(k);
            }
        }));
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Double> h : epochs) {
            List<String> r = new ArrayList<>();
            for (String c : cols) {
                Double v = h.get(c);
                r.add(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
            }
            rows.add(r);
        }
        Csv.write(file, cols, rows);
    }

    /**
     * Draws the losses and accuracies per epoch, when the model has a history.
     *
     * @param modelDir the model folder
     * @param png the plot to write
     * @return whether there was a history to draw
     * @throws IOException when the plot cannot be written
     * @throws FaceAttrException when the history cannot be read
     */
    static boolean plot(Path modelDir, Path png) throws IOException, FaceAttrException {
        Path file = of(modelDir);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        Plots.curves(Csv.read(file), png);
        return true;
    }

    /** @return the metrics as the log shows them, {@code key=value} apart from the epoch */
    static String describe(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> {
            if (!k.equals("epoch")) {
                sb.append(sb.length() == 0 ? "" : " ").append(k).append('=')
                        .append(String.format(Locale.ROOT, k.equals("seconds") ? "%.1f" : "%.4f", v));
            }
        });
        return sb.toString();
    }
}

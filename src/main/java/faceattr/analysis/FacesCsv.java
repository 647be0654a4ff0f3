package faceattr.analysis;

import faceattr.core.FaceAttrException;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.estimate.FaceAttributes;
import faceattr.io.Csv;
import faceattr.labels.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code faces.csv} format of docs/contracts.md: the one place that names its columns and
 * formats its values. The ImageJ Results table uses the same column list.
 */
public final class FacesCsv {
    /** Columns written by detection, in order. */
    public static final List<String> DETECT_COLUMNS = detectColumns();
    /** Columns analysis adds after {@link #DETECT_COLUMNS}, in order. */
    public static final List<String> ATTRIBUTE_COLUMNS = List.of("age", "age_group", "age_group_p", "gender",
            "gender_p", "race", "race_p", "emotion", "emotion_p", "model");
    /** Columns written by analysis: {@link #DETECT_COLUMNS} then {@link #ATTRIBUTE_COLUMNS}. */
    public static final List<String> ANALYZE_COLUMNS = concat(DETECT_COLUMNS, ATTRIBUTE_COLUMNS);
    /** The extra column for a stack slice. */
    public static final String SLICE = "slice";
    /** The columns holding text (labels, names); {@code face} and {@value #SLICE} hold integers, all others numbers. */
    public static final Set<String> TEXT_COLUMNS = Set.of("image", "age_group", "gender", "race", "emotion", "model");
    private static final Set<String> INTEGER_COLUMNS = Set.of("face", SLICE);

    private FacesCsv() {
    }

    private static List<String> detectColumns() {
        List<String> c = new ArrayList<>(List.of("image", "face", "x", "y", "width", "height", "score"));
        for (String n : Landmarks.NAMES) {
            c.add(n + "_x");
            c.add(n + "_y");
        }
        return List.copyOf(c);
    }

    /**
     * The rows of one analysed image, faces numbered from 1: {@link #DETECT_COLUMNS} values, then,
     * when the image has attributes, {@link #ATTRIBUTE_COLUMNS} values.
     *
     * @param result a successful result
     * @return one row per face
     */
    public static List<List<String>> rows(ImageResult result) {
        List<List<String>> rows = new ArrayList<>(result.faces().size());
        for (int k = 0; k < result.faces().size(); k++) {
            List<String> row = new ArrayList<>(detectValues(result.source(), k + 1, result.faces().get(k)));
            if (result.hasAttributes()) {
                row.addAll(attributeValues(result.attributes().get(k)));
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The rows of one analysed image as typed values, for scripts (docs/scripting.md): one map per
     * face, keyed by the column names in column order, each value the one {@link #rows} writes
     * (so equal to the faces.csv cell): text as {@code String}, {@code face} as {@code Integer},
     * every other number as {@code Double}, an empty cell (race without a race head) as null.
     *
     * @param result a successful result
     * @return one unmodifiable map per face
     */
    public static List<Map<String, Object>> records(ImageResult result) {
        List<String> columns = result.hasAttributes() ? ANALYZE_COLUMNS : DETECT_COLUMNS;
        List<Map<String, Object>> out = new ArrayList<>(result.faces().size());
        for (List<String> row : rows(result)) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                m.put(columns.get(c), value(columns.get(c), row.get(c)));
            }
            out.add(Collections.unmodifiableMap(m));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * A cell as a typed value (see {@link #records}).
     *
     * @param column the column name
     * @param cell the formatted cell
     * @return null for an empty cell, else a {@code String}, {@code Integer} or {@code Double}
     */
    public static Object value(String column, String cell) {
        if (cell == null || cell.isEmpty()) {
            return null;
        }
        if (TEXT_COLUMNS.contains(column)) {
            return cell;
        }
        return INTEGER_COLUMNS.contains(column) ? (Object) Integer.valueOf(cell) : (Object) Double.valueOf(cell);
    }

    /**
     * One face as CSV values, in {@link #DETECT_COLUMNS} order.
     *
     * @param image the image as given by the user
     * @param index the face number, from 1
     * @param face the face
     * @return the values, formatted
     */
    public static List<String> detectValues(String image, int index, DetectedFace face) {
        List<String> v = new ArrayList<>(DETECT_COLUMNS.size());
        Box b = face.box();
        v.add(image);
        v.add(Integer.toString(index));
        v.add(number(b.x()));
        v.add(number(b.y()));
        v.add(number(b.width()));
        v.add(number(b.height()));
        v.add(String.format(Locale.ROOT, "%.4f", face.score()));
        for (double d : face.landmarks().toArray()) {
            v.add(number(d));
        }
        return v;
    }

    /**
     * A face's attributes as CSV values, in {@link #ATTRIBUTE_COLUMNS} order. Race is empty when
     * the model does not estimate it (docs/contracts.md).
     *
     * @param a the attributes
     * @return the values, formatted
     */
    public static List<String> attributeValues(FaceAttributes a) {
        List<String> v = new ArrayList<>(ATTRIBUTE_COLUMNS.size());
        v.add(String.format(Locale.ROOT, "%.1f", a.ageMean()));
        for (Task t : List.of(Task.AGE_GROUP, Task.GENDER, Task.RACE, Task.EMOTION)) { // the column order
            v.add(a.has(t) ? a.label(t) : "");
            v.add(a.has(t) ? probability(a.probability(t)) : "");
        }
        v.add(a.modelName());
        return v;
    }

    /** @return a probability with four decimals, locale-independent */
    public static String probability(double p) {
        return String.format(Locale.ROOT, "%.4f", p);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> c = new ArrayList<>(a);
        c.addAll(b);
        return List.copyOf(c);
    }

    /** @return a coordinate with two decimals, locale-independent */
    public static String number(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    /**
     * Writes a {@code faces.csv} (or another table) in the project's CSV dialect ({@link Csv}),
     * atomically ({@link AtomicFiles}).
     *
     * @param file the target
     * @param header the header values
     * @param rows the rows
     * @throws FaceAttrException when the folder is not writable
     */
    public static void write(Path file, List<String> header, List<List<String>> rows) throws FaceAttrException {
        Csv.write(file, header, rows);
    }
}

package faceattr.ij;

import faceattr.analysis.FaceRoiSet;
import faceattr.analysis.PlaneFaces;
import faceattr.analysis.ImageFaces;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.Landmarks;
import faceattr.estimate.FaceAttributes;
import faceattr.analysis.FacesCsv;
import ij.measure.ResultsTable;
import java.util.Arrays;
import java.util.List;

/**
 * Presents faces as Results table rows, one per face, with the columns of {@code faces.csv}
 * (docs/contracts.md): {@link #COLUMNS}, {@code image} being the image title, plus {@value #SLICE}
 * (the plane, {@link PlaneFaces#plane()}) as the last column on stacks. {@code face} counts from 1
 * within an image, or within a plane on stacks (matching the ROI names).
 *
 * <p>The tables built here show no row numbers, so that a saved CSV has exactly these columns.
 */
public final class FaceTable {
    /** The column names, in order (docs/contracts.md). */
    public static final List<String> COLUMNS = FacesCsv.DETECT_COLUMNS;
    /** The extra column on stacks. */
    public static final String SLICE = "slice";
    /** The column holding the image title. */
    public static final String IMAGE = "image";

    private FaceTable() {
    }

    /**
     * A new table with the rows of one image.
     *
     * @param faces the faces of one image
     * @return the table; with the columns set even when there are no faces
     */
    public static ResultsTable toTable(ImageFaces faces) {
        ResultsTable rt = newTable(faces.isStack());
        addRows(rt, faces);
        return rt;
    }

    /**
     * A new table that replaces {@code existing} as the Results table: the rows of {@code existing}
     * are kept if it is a face table (see {@link #isFaceTable}), less the rows of the same image title
     * unless {@code add}; then this image's rows are appended. A table with other measurements is
     * not merged with (its columns do not fit); the new table holds this image's rows only.
     *
     * @param existing the current Results table, or null
     * @param faces the faces of one image
     * @param add keep the rows of earlier runs on this image
     * @return the new table; {@code existing} is not changed
     */
    public static ResultsTable merge(ResultsTable existing, ImageFaces faces, boolean add) {
        if (existing == null || existing.size() == 0 || !isFaceTable(existing)) {
            return toTable(faces);
        }
        ResultsTable rt = (ResultsTable) existing.clone();
        rt.showRowNumbers(false);
        if (!add) {
            for (int row = rt.size() - 1; row >= 0; row--) {
                if (faces.title().equals(rt.getStringValue(IMAGE, row))) {
                    rt.deleteRow(row);
                }
            }
        }
        if (faces.isStack() && !rt.columnExists(SLICE)) {
            // Rows of single images get slice 1 rather than an empty cell.
            rt.setValues(SLICE, ones(rt.size()));
            if (rt.size() == 0) {
                rt.getFreeColumn(SLICE);
            }
        }
        addRows(rt, faces);
        return rt;
    }

    /**
     * Tells whether a table holds face rows only: every column (row labels included) is one of
     * {@link #COLUMNS} or {@value #SLICE}, and it has at least {@code image} and {@code face}.
     *
     * @param rt a table
     * @return true for a table this class made (or one like it)
     */
    public static boolean isFaceTable(ResultsTable rt) {
        String[] headings = rt.getHeadings();
        if (!rt.columnExists(IMAGE) || !rt.columnExists("face")) {
            return false;
        }
        for (String h : headings) {
            if (!COLUMNS.contains(h) && !SLICE.equals(h) && !FacesCsv.ATTRIBUTE_COLUMNS.contains(h)
                    && !FaceRoiSet.REVIEWED.equals(h) && !FaceRoiSet.NOT_A_FACE.equals(h)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends the rows of one image.
     *
     * @param rt the table
     * @param faces the faces of one image
     */
    public static void addRows(ResultsTable rt, ImageFaces faces) {
        int n = 0;
        for (PlaneFaces plane : faces.planes()) {
            if (faces.isStack()) {
                n = 0; // faces count within a plane on stacks, as in the ROI names sN-face-M
            }
            for (int f = 0; f < plane.faces().size(); f++) {
                DetectedFace face = plane.faces().get(f);
                n++;
                rt.addRow();
                rt.addValue(IMAGE, faces.title());
                rt.addValue("face", n);
                Box b = face.box();
                rt.addValue("x", b.x());
                rt.addValue("y", b.y());
                rt.addValue("width", b.width());
                rt.addValue("height", b.height());
                rt.addValue("score", face.score());
                Landmarks lm = face.landmarks();
                for (int i = 0; i < Landmarks.COUNT; i++) {
                    rt.addValue(Landmarks.NAMES[i] + "_x", lm.x(i));
                    rt.addValue(Landmarks.NAMES[i] + "_y", lm.y(i));
                }
                if (faces.isStack()) {
                    rt.addValue(SLICE, plane.plane());
                }
                if (plane.analysed()) {
                    addAttributes(rt, plane.attributes().get(f));
                }
            }
        }
    }

    /** Numbers as numbers (age, *_p), labels as text; an absent race stays an empty cell. */
    private static void addAttributes(ResultsTable rt, FaceAttributes a) {
        List<String> values = FacesCsv.attributeValues(a);
        for (int k = 0; k < values.size(); k++) {
            String column = FacesCsv.ATTRIBUTE_COLUMNS.get(k);
            Object v = FacesCsv.value(column, values.get(k));
            if (FacesCsv.TEXT_COLUMNS.contains(column)) {
                rt.addValue(column, v == null ? "" : (String) v);
            } else {
                rt.addValue(column, v == null ? Double.NaN : ((Number) v).doubleValue());
            }
        }
    }

    /** An empty table with the columns in contract order and no row numbers. */
    static ResultsTable newTable(boolean stack) {
        ResultsTable rt = new ResultsTable();
        rt.showRowNumbers(false);
        for (String c : COLUMNS) {
            rt.getFreeColumn(c);
        }
        if (stack) {
            rt.getFreeColumn(SLICE);
        }
        return rt;
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1);
        return v;
    }
}

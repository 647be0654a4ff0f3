package faceattr.ij2;

import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The {@code rows} output of the face commands: an unmodifiable list with one map per face, keyed by
 * the faces.csv columns (docs/scripting.md). A plain {@code java.util.List} to scripts and pyimagej;
 * its own type only so that SciJava's display postprocessor hands the whole list to
 * {@link FaceRowsDisplay} instead of opening a display for every label in it.
 */
public final class FaceRows extends AbstractList<Map<String, Object>> implements RandomAccess {
    private final List<Map<String, Object>> rows;

    /** @param rows the rows, copied */
    FaceRows(List<Map<String, Object>> rows) {
        this.rows = List.copyOf(rows);
    }

    @Override
    public Map<String, Object> get(int index) {
        return rows.get(index);
    }

    @Override
    public int size() {
        return rows.size();
    }
}

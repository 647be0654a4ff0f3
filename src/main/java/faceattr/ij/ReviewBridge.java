package faceattr.ij;

import faceattr.analysis.FaceRoiSet;
import faceattr.curate.ReviewFace;
import faceattr.curate.ReviewSession;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import faceattr.labels.Task;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.measure.ResultsTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Between a review session and ImageJ: reads the faces of an image from its face ROIs (their
 * properties, docs/contracts.md), and writes each edit back at once to the ROI's properties
 * ({@code reviewed=true}), the Results table row and the overlay label.
 */
public final class ReviewBridge {
    private static final Pattern STACK_NAME = Pattern.compile("s(\\d+)-face-(\\d+)");
    private static final Pattern NAME = Pattern.compile("face-(\\d+)");

    private ReviewBridge() {
    }

    /**
     * @param rois ROIs (e.g. the ROI Manager's); only this plugin's face ROIs of the image count
     * @param title the image title
     * @return one face per face ROI with attributes, in ROI order
     */
    public static List<ReviewFace> faces(List<Roi> rois, String title) {
        List<ReviewFace> out = new ArrayList<>();
        for (Roi r : rois) {
            if (!FaceRois.isOwn(r, title) || r.getProperty("gender") == null) {
                continue;
            }
            Map<String, Double> conf = new LinkedHashMap<>();
            for (String k : List.of("age_group", "gender", "race", "emotion")) {
                String p = r.getProperty(k + "_p");
                if (p != null) {
                    conf.put(k, Double.parseDouble(p));
                }
            }
            LabelSet l = LabelSet.NONE;
            for (Target t : Target.values()) {
                try {
                    l = l.withText(t, r.getProperty(t.column()));
                } catch (IllegalArgumentException e) {
                    // an edited or foreign property: the face lacks that label, as if the property were absent
                }
            }
            l = l.completed(Target.RACE5); // the ROIs carry 7-class race only
            Double std = number(r.getProperty(FaceRoiSet.AGE_STD));
            out.add(new ReviewFace(title, r.getName(), l, conf, std == null ? Double.NaN : std,
                    "true".equals(r.getProperty(FaceRoiSet.REVIEWED)), "true".equals(r.getProperty(FaceRoiSet.NOT_A_FACE)),
                    r.getProperty(FaceRoiSet.LANDMARKS)));
        }
        return out;
    }

    /**
     * Writes one face's current state to its ROI, its Results row and its overlay label.
     *
     * @param f the face
     * @param rois ROIs to search by name (the ROI Manager's)
     * @param rt the Results table, or null
     * @param imp the image whose overlay holds the label, or null
     */
    public static void writeBack(ReviewFace f, List<Roi> rois, ResultsTable rt, ImagePlus imp) {
        Map<String, String> values = values(f);
        for (Roi r : rois) {
            if (f.roi().equals(r.getName()) && FaceRois.isOwn(r, f.image())) {
                values.forEach((k, v) -> r.setProperty(k, v.isEmpty() ? null : v));
                r.setProperty(FaceRoiSet.REVIEWED, Boolean.toString(f.reviewed()));
                r.setProperty(FaceRoiSet.NOT_A_FACE, f.notAFace() ? "true" : null);
            }
        }
        if (rt != null) {
            int row = row(rt, f);
            if (row >= 0) {
                values.forEach((k, v) -> {
                    if (k.equals("age") || k.endsWith("_p")) {
                        rt.setValue(k, row, v.isEmpty() ? Double.NaN : Double.parseDouble(v));
                    } else {
                        rt.setValue(k, row, v);
                    }
                });
                rt.setValue(FaceRoiSet.REVIEWED, row, Boolean.toString(f.reviewed()));
                rt.setValue(FaceRoiSet.NOT_A_FACE, row, Boolean.toString(f.notAFace()));
            }
        }
        Overlay overlay = imp == null ? null : imp.getOverlay();
        if (overlay != null) {
            for (int i = 0; i < overlay.size(); i++) {
                Roi r = overlay.get(i);
                if (r instanceof TextRoi t && (f.roi() + "-label").equals(r.getName())) {
                    t.setText(f.notAFace() ? "not a face" : label(f));
                }
            }
            imp.updateAndDraw();
        }
    }

    /** The overlay label: rounded age, M/F, emotion, and a tick once reviewed. */
    static String label(ReviewFace f) {
        LabelSet l = f.labels();
        String age = l.has(Target.AGE) ? Long.toString(Math.round(l.get(Target.AGE))) : "?";
        String g = l.has(Target.GENDER) ? l.index(Target.GENDER) == 0 ? "M" : "F" : "?";
        String e = l.has(Target.EMOTION) ? l.text(Target.EMOTION) : "?";
        return age + " " + g + " " + e + (f.reviewed() ? " ✓" : "");
    }

    /** Property and column values of a face, by name (empty: no value). */
    static Map<String, String> values(ReviewFace f) {
        LabelSet l = f.labels();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("age", l.text(Target.AGE));
        for (Task t : List.of(Task.AGE_GROUP, Task.GENDER, Task.RACE, Task.EMOTION)) {
            Target target = Target.of(t);
            v.put(target.column(), l.text(target));
            // race's probability goes with its label; the others' stays when a label is missing, as ever
            v.put(target.column() + "_p", t == Task.RACE && !l.has(target) ? "" : p(f, t.key()));
        }
        return v;
    }

    private static String p(ReviewFace f, String key) {
        Double c = f.confidence().get(key);
        return c == null || c.isNaN() ? "" : String.format(Locale.ROOT, "%.4f", c);
    }

    /** The Results row of a face: same image title and face number (and slice on stacks). */
    static int row(ResultsTable rt, ReviewFace f) {
        if (!rt.columnExists(FaceTable.IMAGE) || !rt.columnExists("face")) {
            return -1; // not a face table (closed, cleared or replaced): nothing to update there
        }
        Matcher s = STACK_NAME.matcher(f.roi());
        Matcher m = NAME.matcher(f.roi());
        int slice = s.matches() ? Integer.parseInt(s.group(1)) : -1;
        int face = s.matches() ? Integer.parseInt(s.group(2)) : m.matches() ? Integer.parseInt(m.group(1)) : -1;
        for (int row = 0; row < rt.size(); row++) {
            if (f.image().equals(rt.getStringValue(FaceTable.IMAGE, row)) && (int) rt.getValue("face", row) == face
                    && (slice < 0 || rt.columnExists(FaceTable.SLICE) && (int) rt.getValue(FaceTable.SLICE, row) == slice)) {
                return row;
            }
        }
        return -1;
    }

    private static Double number(String v) {
        try {
            return v == null || v.isEmpty() ? null : Double.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Connects a session to ImageJ: every change is written back as it happens.
     *
     * @param s the session
     * @param rois the ROIs to update (the ROI Manager's, read when a change comes)
     * @param rt the Results table supplier
     * @param imp the image
     */
    public static void connect(ReviewSession s, java.util.function.Supplier<List<Roi>> rois,
            java.util.function.Supplier<ResultsTable> rt, ImagePlus imp) {
        s.onChange(f -> {
            ResultsTable t = rt.get();
            writeBack(f, rois.get(), t, imp);
            if (t != null && t.size() > 0) {
                t.show("Results");
            }
        });
    }
}

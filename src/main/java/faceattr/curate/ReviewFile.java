package faceattr.curate;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import faceattr.io.Json;
import faceattr.io.JsonFields;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a review's autosave file, format 1:
 * {@code {"format": 1, "faces": [{"image", "roi", "labels": {"age", "ageGroup", "gender",
 * "race7", "race5", "emotion"}, "confidence": {task: p}, "ageStd", "reviewed", "notAFace",
 * "where"}]}}. The keys are the component names of {@link ReviewFace} and of the record of six
 * labels the first version wrote ({@link #key}: a target's key in camel case); labels that are
 * not set are left out. Confidences and the
 * age standard deviation may be NaN (unknown), written as the bare word and read back leniently.
 */
final class ReviewFile {
    /** The format this code writes and reads. */
    static final int FORMAT = 1;

    private ReviewFile() {
    }

    /** @return the faces as the file's text */
    static String write(List<ReviewFace> faces) {
        JsonArray all = new JsonArray();
        for (ReviewFace f : faces) {
            JsonObject o = new JsonObject();
            o.addProperty("image", f.image());
            o.addProperty("roi", f.roi());
            o.add("labels", labels(f.labels()));
            o.add("confidence", Json.toTree(f.confidence()));
            o.addProperty("ageStd", f.ageStd());
            o.addProperty("reviewed", f.reviewed());
            o.addProperty("notAFace", f.notAFace());
            o.addProperty("where", f.where());
            all.add(o);
        }
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.add("faces", all);
        return Json.write(root);
    }

    private static JsonObject labels(LabelSet l) {
        JsonObject o = new JsonObject();
        for (Target t : l.targets()) {
            if (t.isClass()) {
                o.addProperty(key(t), l.index(t));
            } else {
                o.addProperty(key(t), l.get(t));
            }
        }
        return o;
    }

    /** @return a target's key in the file: {@code age}, {@code ageGroup}, {@code race7}, ... */
    static String key(Target t) {
        String k = t.key();
        int u = k.indexOf('_');
        return u < 0 ? k : k.substring(0, u) + Character.toUpperCase(k.charAt(u + 1)) + k.substring(u + 2);
    }

    /**
     * @param json the file's text
     * @return its faces, in file order
     * @throws com.google.gson.JsonParseException when it is not JSON
     * @throws IllegalArgumentException when it is not a review file of this format, naming the field
     */
    static List<ReviewFace> read(String json) {
        JsonFields root = JsonFields.of(Json.parseLenient(json), "");
        if (!root.has("format") || root.integer("format") != FORMAT || !root.has("faces")) {
            throw new IllegalArgumentException("not a review file of format " + FORMAT);
        }
        JsonArray all = root.array("faces");
        List<ReviewFace> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            JsonFields f = JsonFields.of(all.get(i), "faces[" + i + "]");
            Map<String, Double> confidence = new HashMap<>();
            if (f.has("confidence")) {
                JsonFields c = f.object("confidence");
                c.keys().forEach(k -> confidence.put(k, c.numberOrNonFinite(k)));
            }
            // "where" came with a later version; files without it hold faces of unknown position
            out.add(new ReviewFace(f.string("image"), f.string("roi"), labels(f.object("labels")), confidence,
                    f.numberOrNonFinite("ageStd"), f.bool("reviewed"), f.bool("notAFace"),
                    f.has("where") ? f.string("where") : ""));
        }
        return out;
    }

    private static LabelSet labels(JsonFields l) {
        LabelSet out = LabelSet.NONE;
        for (Target t : Target.values()) {
            if (l.has(key(t))) {
                out = out.with(t, t.isClass() ? l.integer(key(t)) : l.number(key(t)));
            }
        }
        return out;
    }
}

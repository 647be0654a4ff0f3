package faceattr.data.detection;

import faceattr.core.FaceAttrException;
import faceattr.io.MatFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * WIDER FACE's easy, medium and hard subsets as its evaluation tools define them: per validation
 * image, the (1-based) rows of its faces in {@code wider_face_val_bbx_gt.txt} that a subset scores;
 * every other face of the image is an ignored region for that subset. Read from
 * {@code wider_easy_val.mat}, {@code wider_medium_val.mat} and {@code wider_hard_val.mat} (MAT 5:
 * {@code event_list}, {@code file_list}, {@code gt_list}) in {@code eval_tools/ground_truth/},
 * {@code ground_truth/}, {@code wider_face_split/} or the set's folder.
 *
 * @param rows per subset ({@code easy}, {@code medium}, {@code hard}), per image
 *     ({@code <event>/<file name without extension>}), the rows it scores
 */
public record WiderSubsets(Map<String, Map<String, Set<Integer>>> rows) {
    /** The subsets, from the easiest. */
    public static final List<String> NAMES = List.of("easy", "medium", "hard");

    /** Copies. */
    public WiderSubsets {
        Map<String, Map<String, Set<Integer>>> c = new LinkedHashMap<>();
        rows.forEach((k, v) -> c.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        rows = Collections.unmodifiableMap(c);
    }

    /**
     * @param root a WIDER FACE folder
     * @return its subsets, or null when the three lists are not there
     * @throws FaceAttrException when a list is there but unreadable or not laid out as WIDER's, naming it
     */
    public static WiderSubsets find(Path root) throws FaceAttrException {
        for (Path dir : List.of(root.resolve("eval_tools").resolve("ground_truth"), root.resolve("ground_truth"),
                root.resolve(WiderFaceFormat.SPLIT_DIR), root)) {
            if (NAMES.stream().allMatch(n -> Files.isRegularFile(dir.resolve(file(n))))) {
                Map<String, Map<String, Set<Integer>>> rows = new LinkedHashMap<>();
                for (String n : NAMES) {
                    rows.put(n, read(dir.resolve(file(n))));
                }
                return new WiderSubsets(rows);
            }
        }
        return null;
    }

    private static String file(String subset) {
        return "wider_" + subset + "_val.mat";
    }

    /**
     * @param sample a validation image of the set
     * @return its key in the lists
     */
    public static String key(DetectionSample sample) {
        String name = sample.id().substring(sample.id().lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return sample.event() + "/" + (dot > 0 ? name.substring(0, dot) : name);
    }

    private static Map<String, Set<Integer>> read(Path file) throws FaceAttrException {
        Map<String, Object> vars = MatFile.read(file);
        try {
            MatFile.Cell events = (MatFile.Cell) vars.get("event_list");
            MatFile.Cell files = (MatFile.Cell) vars.get("file_list");
            MatFile.Cell gt = (MatFile.Cell) vars.get("gt_list");
            if (events == null || files == null || gt == null) {
                throw new IllegalArgumentException("event_list, file_list or gt_list is missing");
            }
            Map<String, Set<Integer>> out = new LinkedHashMap<>();
            for (int e = 0; e < events.items().size(); e++) {
                String event = (String) events.get(e);
                MatFile.Cell names = (MatFile.Cell) files.get(e);
                MatFile.Cell keep = (MatFile.Cell) gt.get(e);
                for (int i = 0; i < names.items().size(); i++) {
                    Set<Integer> r = new HashSet<>();
                    for (double v : ((MatFile.Numeric) keep.get(i)).data()) {
                        r.add((int) v);
                    }
                    out.put(event + "/" + names.get(i), Collections.unmodifiableSet(r));
                }
            }
            return out;
        } catch (ClassCastException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new FaceAttrException(file, "is not laid out as WIDER's evaluation lists (" + e.getMessage()
                    + "); use eval_tools/ground_truth/ of the WIDER FACE release", e);
        }
    }
}

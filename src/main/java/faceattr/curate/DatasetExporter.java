package faceattr.curate;

import faceattr.align.FaceAligner;
import faceattr.analysis.FacesCsv;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.data.DatasetKind;
import faceattr.data.LoadReport;
import faceattr.io.AtomicFiles;
import faceattr.io.Csv;
import faceattr.io.ImageFiles;
import faceattr.labels.LabelSet;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Target;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes faces as a dataset in one of the formats the trainer reads (docs/export.md), so that
 * labels curated in Fiji can be used to train: {@code utkface} (200 px aligned chips named
 * {@code [age]_[gender]_[race]_[datetime].jpg.chip.jpg}, race in UTKFace's 5 classes),
 * {@code fairface} (224 px chips, the two label CSVs with FairFace's header and label strings),
 * {@code rafdb} (100 px aligned images and the partition list) and {@code faceattr} (every field,
 * provenance and 112 px crops). Faces a format cannot hold (no race for utkface, no emotion for
 * rafdb, ...) are skipped and counted with the reason; faces marked "not a face" never leave.
 *
 * <p>Safety: everything is written into a hidden folder beside the target, which is then renamed
 * into place; an existing non-empty target is refused unless {@code overwrite}, and then replaced
 * as a whole only when the new export is complete.
 */
public final class DatasetExporter {
    private static final List<String> FAIRFACE_HEADER = List.of("file", "age", "gender", "race", "service_test");
    private static final List<String> FACEATTR_HEADER = List.of("crop", "age", "age_group", "gender", "race",
            "race5", "emotion", "reviewed", "source_image", "face", "x", "y", "width", "height", "landmarks", "model");

    /**
     * @param reviewedOnly export only faces a person reviewed
     * @param overwrite replace an existing dataset folder
     * @param cropSize side of the crops, 0 for the format's own (utkface 200, fairface 224, rafdb 100,
     *     faceattr 112)
     */
    public record Options(boolean reviewedOnly, boolean overwrite, int cropSize) {
    }

    private DatasetExporter() {
    }

    /**
     * @param faces the faces (all of them; the options choose)
     * @param format the dataset format
     * @param out the dataset folder to create
     * @param o the options
     * @param progress progress and cancellation (a cancelled export leaves nothing behind)
     * @return what was written and what skipped, and why
     * @throws FaceAttrException when the target exists (without overwrite) or cannot be written
     */
    public static LoadReport export(List<ExportFace> faces, DatasetKind format, Path out, Options o, Progress progress)
            throws FaceAttrException {
        checkTarget(out, o.overwrite());
        LoadReport.Builder report = new LoadReport.Builder(format.key() + " export " + out);
        List<ExportFace> chosen = new ArrayList<>();
        for (ExportFace f : faces) {
            String name = f.image() + " face " + f.face();
            if (f.notAFace()) {
                report.skip("marked not a face", name);
            } else if (o.reviewedOnly() && !f.reviewed()) {
                report.skip("not reviewed", name);
            } else {
                String missing = missing(format, f.labels());
                if (missing != null) {
                    report.skip("no " + missing + " label, which " + format.key() + " needs", name);
                } else {
                    chosen.add(f);
                }
            }
        }
        if (chosen.isEmpty()) {
            throw new FaceAttrException(out, "no face to export (" + report.build().summary().replace('\n', ';')
                    + "); nothing was written", null);
        }
        int size = o.cropSize() > 0 ? o.cropSize() : switch (format) {
            case UTKFACE -> 200;
            case FAIRFACE -> 224;
            case RAFDB -> 100;
            case FACEATTR -> 112;
        };
        try {
            AtomicFiles.replaceDirectory(out, tmp -> write(chosen, format, tmp, size, report, progress));
        } catch (IOException e) {
            throw new FaceAttrException(out, "cannot write the export (" + e.getMessage() + "); nothing was changed",
                    e);
        }
        return report.build();
    }

    /**
     * Refuses a target folder that holds anything, unless overwriting an earlier export.
     *
     * @param out the dataset folder to create
     * @param overwrite whether an earlier export there may be replaced
     * @throws FaceAttrException naming the folder and what to do
     */
    static void checkTarget(Path out, boolean overwrite) throws FaceAttrException {
        if (Files.exists(out) && !isEmptyDir(out)) {
            if (!overwrite) {
                throw new FaceAttrException(out, "exists and is not empty; choose a new folder, or overwrite an "
                        + "earlier export (--force, or the dialog's overwrite box)", null);
            }
            if (!looksLikeExport(out)) {
                throw new FaceAttrException(out, "is not a dataset written by an export (no labels.csv, FairFace "
                        + "CSVs, EmoLabel/, WIDER folders or UTKFace chips only), so it is not replaced; choose a new "
                        + "folder", null);
            }
        }
    }

    /** @return the name of a label the format needs and the face lacks, or null */
    static String missing(DatasetKind format, LabelSet labels) {
        if (format == DatasetKind.FACEATTR) {
            return labels.isEmpty() ? "any" : null;
        }
        LabelSet l = completed(labels);
        for (Map.Entry<Target, String> need : needs(format)) {
            if (!l.has(need.getKey())) {
                return need.getValue();
            }
        }
        return null;
    }

    /** @return the labels a format's files hold, each with its name in the skip reason, in the order checked */
    private static List<Map.Entry<Target, String>> needs(DatasetKind format) {
        return switch (format) {
            case UTKFACE -> List.of(Map.entry(Target.AGE, "age"), Map.entry(Target.GENDER, "gender"),
                    Map.entry(Target.RACE5, "race"));
            case FAIRFACE -> List.of(Map.entry(Target.AGE_GROUP, "age"), Map.entry(Target.GENDER, "gender"),
                    Map.entry(Target.RACE7, "race (FairFace's 7 classes)"));
            case RAFDB -> List.of(Map.entry(Target.EMOTION, "emotion"));
            case FACEATTR -> List.of();
        };
    }

    /** @return the labels with the age group from the age and 5-class race from 7-class race where they lack them */
    private static LabelSet completed(LabelSet l) {
        return l.completed(Target.AGE_GROUP).completed(Target.RACE5);
    }

    private static void write(List<ExportFace> faces, DatasetKind format, Path dir, int size,
            LoadReport.Builder report, Progress progress) throws IOException {
        Map<String, List<ExportFace>> byImage = new LinkedHashMap<>();
        faces.forEach(f -> byImage.computeIfAbsent(f.image(), k -> new ArrayList<>()).add(f));
        List<String> lines = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> trainCsv = new ArrayList<>();
        List<List<String>> valCsv = new ArrayList<>();
        long stamp = Long.parseLong(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS")));
        int n = 0;
        int done = 0;
        for (Map.Entry<String, List<ExportFace>> e : byImage.entrySet()) {
            progress.checkCancelled();
            progress.report(done / (double) Math.max(1, faces.size()), "exporting " + e.getKey());
            RgbImage img;
            try {
                img = ImageFiles.read(Path.of(e.getKey()));
            } catch (FaceAttrException ex) {
                for (ExportFace f : e.getValue()) {
                    report.skip("source image missing or unreadable", f.image() + " face " + f.face());
                }
                continue;
            }
            for (ExportFace f : e.getValue()) {
                done++;
                RgbImage crop = FaceAligner.align(img, f.landmarks(), size).crop();
                LabelSet l = completed(f.labels());
                n++;
                boolean val = n % 5 == 0; // every fifth face validates, where the format has splits
                switch (format) {
                    case UTKFACE -> {
                        String name = Math.min(116, Math.round(l.get(Target.AGE))) + "_" + l.index(Target.GENDER) + "_"
                                + l.index(Target.RACE5) + "_" + (stamp + n) + ".jpg.chip.jpg";
                        jpg(crop, dir.resolve(name));
                    }
                    case FAIRFACE -> {
                        String file = (val ? "val/" : "train/") + n + ".jpg";
                        jpg(crop, dir.resolve(file));
                        (val ? valCsv : trainCsv).add(List.of(file, l.text(Target.AGE_GROUP),
                                LabelSpaces.GENDER_FAIRFACE.className(l.index(Target.GENDER)), l.text(Target.RACE7),
                                "False"));
                    }
                    case RAFDB -> {
                        String name = val ? String.format(Locale.ROOT, "test_%04d", n)
                                : String.format(Locale.ROOT, "train_%05d", n);
                        jpg(crop, dir.resolve("Image/aligned/" + name + "_aligned.jpg"));
                        int raf = LabelSpaces.EMOTION_RAFDB_TO_EMOTION.sourcesOf(l.index(Target.EMOTION))[0] + 1;
                        lines.add(name + ".jpg " + raf);
                    }
                    case FACEATTR -> {
                        String file = String.format(Locale.ROOT, "crops/%05d.png", n);
                        write(crop, dir.resolve(file));
                        rows.add(faceattrRow(file, f));
                    }
                    default -> throw new IllegalStateException(format.toString());
                }
                report.used();
            }
        }
        switch (format) {
            case FAIRFACE -> {
                csv(dir.resolve("fairface_label_train.csv"), FAIRFACE_HEADER, trainCsv);
                csv(dir.resolve("fairface_label_val.csv"), FAIRFACE_HEADER, valCsv);
            }
            case RAFDB -> {
                Files.createDirectories(dir.resolve("EmoLabel"));
                Files.write(dir.resolve("EmoLabel/list_patition_label.txt"), lines, StandardCharsets.UTF_8);
            }
            case FACEATTR -> {
                csv(dir.resolve("labels.csv"), FACEATTR_HEADER, rows);
            }
            default -> {
                // utkface: the file names are the labels
            }
        }
    }

    private static List<String> faceattrRow(String file, ExportFace f) {
        LabelSet l = f.labels();
        StringBuilder lm = new StringBuilder();
        for (double v : f.landmarks().toArray()) {
            lm.append(lm.length() == 0 ? "" : " ").append(FacesCsv.number(v));
        }
        List<String> row = new ArrayList<>(List.of(file));
        LabelSet withRace5 = l.completed(Target.RACE5); // the age group stays as labelled
        for (Target t : Target.values()) {
            row.add(withRace5.text(t)); // the label columns, in Target order
        }
        row.addAll(List.of(Boolean.toString(f.reviewed()), f.image(), Integer.toString(f.face()),
                f.box() == null ? "" : FacesCsv.number(f.box().x()),
                f.box() == null ? "" : FacesCsv.number(f.box().y()),
                f.box() == null ? "" : FacesCsv.number(f.box().width()),
                f.box() == null ? "" : FacesCsv.number(f.box().height()), lm.toString(), f.model()));
        return row;
    }

    private static void csv(Path file, List<String> header, List<List<String>> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            Csv.print(w, header, rows);
        }
    }

    private static void jpg(RgbImage crop, Path file) throws IOException {
        try {
            // Quality 95, as the datasets' own JPEGs roughly are; the default (75) would blur the evidence.
            ImageFiles.writeJpeg(crop, file, 0.95f);
        } catch (FaceAttrException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void write(RgbImage crop, Path file) throws IOException {
        try {
            ImageFiles.writePng(crop, file);
        } catch (FaceAttrException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** @return whether a folder holds only what one of our exports writes */
    static boolean looksLikeExport(Path dir) {
        try (var s = Files.list(dir)) {
            return s.allMatch(p -> {
                String n = p.getFileName().toString();
                return n.equals("labels.csv") || n.equals("crops") || n.equals("fairface_label_train.csv")
                        || n.equals("fairface_label_val.csv") || n.equals("train") || n.equals("val")
                        || n.equals("EmoLabel") || n.equals("Image") || n.endsWith(".jpg.chip.jpg")
                        || n.equals("wider_face_split") || n.equals("WIDER_train") || n.equals("WIDER_val");
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isEmptyDir(Path p) {
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}

package faceattr.detect.eval;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.data.Split;
import faceattr.data.detection.DetectionSample;
import faceattr.data.detection.DetectionSet;
import faceattr.data.detection.GroundTruthFace;
import faceattr.detect.DetectedFace;
import faceattr.detect.DetectorSettings;
import faceattr.detect.RfemtcDetector;
import faceattr.engine.InferenceEngine;
import faceattr.engine.Lanes;
import faceattr.io.AtomicFiles;
import faceattr.io.ImageFiles;
import faceattr.io.Json;
import faceattr.io.Plots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a detector over an annotated set and writes how well it found the faces
 * (docs/detection-training.md): WIDER-style average precision at IoU 0.5 over every scored face
 * and per face-size band, recall at fixed false positives per image, a precision–recall plot, and
 * the detections in WIDER's submission layout so that WIDER's own tools can score them too.
 */
public final class DetectorEvaluator {
    /** The IoU a detection needs with a face: WIDER's and PASCAL's 0.5. */
    public static final double IOU = 0.5;
    /** False positives per image at which recall is reported. */
    public static final double[] FPPI = {0.1, 0.5, 1.0};
    /** O-Net's threshold for evaluation: low, so the curve reaches the detector's full recall. */
    public static final double THRESHOLD = 0.05;

    /**
     * A band of face sizes (shorter side of the annotated box, pixels): faces outside it are ignored
     * regions while it is scored, as WIDER scores its easy, medium and hard subsets.
     *
     * @param name the name in reports
     * @param from the smallest size, inclusive
     * @param to the largest size, exclusive
     */
    record Band(String name, double from, double to) {
        boolean contains(GroundTruthFace f) {
            double s = Math.min(f.box().width(), f.box().height());
            return s >= from && s < to;
        }
    }

    static final List<Band> BANDS = List.of(new Band("small (< 24 px)", 0, 24), new Band("medium (24-64 px)", 24, 64),
            new Band("large (>= 64 px)", 64, Double.POSITIVE_INFINITY));

    /**
     * What an evaluation found.
     *
     * @param curve the curve over every scored face
     * @param metrics everything written to metrics.json
     */
    public record Report(PrCurve curve, Map<String, Object> metrics) {
    }

    private DetectorEvaluator() {
    }

    /**
     * @param set the annotated set
     * @param all evaluate every image; otherwise the validation split when the set has one
     * @param settings the detector's settings (use {@link #THRESHOLD} for O-Net to see the whole curve)
     * @param engine the inference engine
     * @param gpu the GPU for inference, or -1
     * @param out the report folder
     * @param progress progress and cancellation
     * @param log one line per unreadable image
     * @return the figures
     * @throws FaceAttrException when the detector cannot load or the report cannot be written
     */
    public static Report run(DetectionSet set, boolean all, DetectorSettings settings, InferenceEngine engine, int gpu,
            Path out, Progress progress, Consumer<String> log) throws FaceAttrException {
        boolean hasVal = set.samples().stream().anyMatch(s -> s.split() == Split.VAL);
        List<DetectionSample> samples = all || !hasVal ? set.samples()
                : set.samples().stream().filter(s -> s.split() == Split.VAL).toList();
        String which = all || !hasVal ? "all images" : "the validation split";
        List<PrCurve.Image> images = new ArrayList<>();
        List<DetectionSample> used = new ArrayList<>();
        int unreadable = 0;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        try (Lanes lanes = Lanes.open(threads, "faceattr-eval-detector", gpu);
                RfemtcDetector detector = RfemtcDetector.create(settings, lanes, engine)) {
            for (int i = 0; i < samples.size(); i++) {
                if (progress.isCancelled()) {
                    throw new CancelledException();
                }
                DetectionSample s = samples.get(i);
                progress.report(i / (double) samples.size(), "detecting " + (i + 1) + "/" + samples.size() + ": " + s.id());
                RgbImage image;
                try {
                    image = ImageFiles.read(s.image());
                } catch (FaceAttrException e) {
                    unreadable++;
                    log.accept("skipped (unreadable): " + e.getMessage());
                    continue;
                }
                List<DetectedFace> found = detector.detect(image, progress);
                images.add(new PrCurve.Image(found, s.faces()));
                used.add(s);
            }
        }
        progress.report(1, "scoring");
        PrCurve curve = PrCurve.of(images, IOU);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("set", set.report().dataset());
        m.put("evaluated", which);
        m.put("images", images.size());
        m.put("unreadable_images", unreadable);
        m.put("faces", curve.faces());
        m.put("ignored_regions", images.stream().mapToLong(im -> im.truth().stream().filter(GroundTruthFace::ignored)
                .count()).sum());
        m.put("iou", IOU);
        m.put("ap", curve.averagePrecision());
        Map<String, Object> recall = new LinkedHashMap<>();
        for (double f : FPPI) {
            recall.put(String.format(Locale.ROOT, "%.1f", f), curve.recallAt(f));
        }
        m.put("recall_at_fppi", recall);
        Map<String, PrCurve> curves = new LinkedHashMap<>();
        curves.put("all faces", curve);
        Map<String, Object> bands = new LinkedHashMap<>();
        for (Band b : BANDS) {
            PrCurve c = PrCurve.of(restrict(images, b::contains), IOU);
            curves.put(b.name(), c);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("faces", c.faces());
            if (c.faces() > 0) {
                e.put("ap", c.averagePrecision()); // absent when the band holds no face
            }
            bands.put(b.name(), e);
        }
        m.put("by_size", bands);
        if (set.subsets() != null) {
            Map<String, Object> wider = new LinkedHashMap<>();
            for (String name : faceattr.data.detection.WiderSubsets.NAMES) {
                PrCurve c = PrCurve.of(subset(used, images, set.subsets().rows().get(name)), IOU);
                curves.put("WIDER " + name, c);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("faces", c.faces());
                e.put("images", c.images());
                if (c.faces() > 0) {
                    e.put("ap", c.averagePrecision());
                }
                wider.put(name, e);
            }
            m.put("wider_subsets", wider);
        }
        double[] nme = landmarkError(images);
        if (nme[1] > 0) {
            m.put("landmark_nme", nme[0]);
            m.put("landmark_faces", (long) nme[1]);
        }
        Map<String, Object> det = new LinkedHashMap<>();
        det.put("min_face", settings.minFace());
        det.put("threshold", settings.onetThreshold());
        det.put("max_side", settings.maxSide());
        det.put("rfe", settings.rfe());
        det.put("detector", settings.detector() == null ? "pretrained" : settings.detector().toString());
        m.put("detector", det);
        write(out, m, curves, used, images);
        return new Report(curve, m);
    }

    /**
     * The landmark error where the set has landmarks: for each scored face with landmarks, the
     * detection that overlaps it most (IoU at least {@link #IOU}, any score), and the mean distance of
     * its 5 points from the annotated ones over the annotated eye-centre distance (the inter-pupil
     * normalised mean error). Faces without such a detection are left out (they count in recall).
     *
     * @return {mean NME, faces measured}
     */
    static double[] landmarkError(List<PrCurve.Image> images) {
        double sum = 0;
        int n = 0;
        for (PrCurve.Image im : images) {
            for (GroundTruthFace f : im.truth()) {
                if (f.ignored() || f.landmarks() == null) {
                    continue;
                }
                DetectedFace best = null;
                double bestIou = IOU;
                for (DetectedFace d : im.detections()) {
                    double o = d.box().iou(f.box());
                    if (o >= bestIou) {
                        bestIou = o;
                        best = d;
                    }
                }
                double pupils = Math.hypot(f.landmarks().x(0) - f.landmarks().x(1),
                        f.landmarks().y(0) - f.landmarks().y(1));
                if (best == null || !(pupils > 0)) {
                    continue;
                }
                double e = 0;
                for (int k = 0; k < faceattr.detect.Landmarks.COUNT; k++) {
                    e += Math.hypot(best.landmarks().x(k) - f.landmarks().x(k), best.landmarks().y(k)
                            - f.landmarks().y(k));
                }
                sum += e / faceattr.detect.Landmarks.COUNT / pupils;
                n++;
            }
        }
        return new double[] {n == 0 ? 0 : sum / n, n};
    }

    /**
     * @return the images the subset lists, each face outside the subset's rows an ignored region
     *     (WIDER's evaluation tools do the same)
     */
    static List<PrCurve.Image> subset(List<DetectionSample> samples, List<PrCurve.Image> images,
            Map<String, java.util.Set<Integer>> rows) {
        List<PrCurve.Image> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            java.util.Set<Integer> keep = rows.get(faceattr.data.detection.WiderSubsets.key(samples.get(i)));
            if (keep == null) {
                continue;
            }
            List<GroundTruthFace> truth = new ArrayList<>();
            for (GroundTruthFace f : images.get(i).truth()) {
                boolean scored = !f.ignored() && keep.contains(f.attributes().getOrDefault("row", -1));
                truth.add(scored ? f : new GroundTruthFace(f.box(), true, f.landmarks(), f.attributes()));
            }
            out.add(new PrCurve.Image(images.get(i).detections(), truth));
        }
        return out;
    }

    /** @return the images with every scored face outside the band turned into an ignored region */
    static List<PrCurve.Image> restrict(List<PrCurve.Image> images, java.util.function.Predicate<GroundTruthFace> keep) {
        List<PrCurve.Image> out = new ArrayList<>(images.size());
        for (PrCurve.Image im : images) {
            List<GroundTruthFace> truth = new ArrayList<>(im.truth().size());
            for (GroundTruthFace f : im.truth()) {
                truth.add(f.ignored() || keep.test(f) ? f : new GroundTruthFace(f.box(), true, f.landmarks(),
                        f.attributes()));
            }
            out.add(new PrCurve.Image(im.detections(), truth));
        }
        return out;
    }

    private static void write(Path out, Map<String, Object> m, Map<String, PrCurve> curves, List<DetectionSample> used,
            List<PrCurve.Image> images) throws FaceAttrException {
        try {
            Files.createDirectories(out);
            String json = Json.write(Json.toTree(m));
            AtomicFiles.write(out.resolve("metrics.json"), tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8));
            Map<String, double[][]> plot = new LinkedHashMap<>();
            curves.forEach((name, c) -> {
                if (c.faces() > 0) {
                    plot.put(String.format(Locale.ROOT, "%s: AP %.3f", name, c.averagePrecision()),
                            new double[][] {c.recall(), c.precision()});
                }
            });
            Plots.precisionRecall("Precision-recall, IoU " + IOU, plot, out.resolve("precision_recall.png"));
            // WIDER's submission layout: <event>/<image name>.txt with the name, the count, then
            // "x y w h score" per detection, which WIDER's evaluation tools read.
            for (int i = 0; i < used.size(); i++) {
                DetectionSample s = used.get(i);
                StringBuilder sb = new StringBuilder();
                String name = s.id().substring(s.id().lastIndexOf('/') + 1);
                String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
                sb.append(stem).append('\n').append(images.get(i).detections().size()).append('\n');
                for (DetectedFace d : images.get(i).detections()) {
                    sb.append(String.format(Locale.ROOT, "%.1f %.1f %.1f %.1f %.4f%n", d.box().x(), d.box().y(),
                            d.box().width(), d.box().height(), d.score()));
                }
                String folder = s.event() != null ? s.event() : "images";
                Path file = out.resolve("detections").resolve(folder).resolve(stem + ".txt");
                String text = sb.toString();
                AtomicFiles.write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
            }
            String md = markdown(m);
            AtomicFiles.write(out.resolve("report.md"), tmp -> Files.writeString(tmp, md, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FaceAttrException(out, "cannot write the report (" + e.getMessage() + ")", e);
        }
    }

    /** @return the report's one-line summary, as the CLI prints it */
    public static String summary(Map<String, Object> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) m.get("recall_at_fppi");
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "AP %.4f (IoU %.1f) over %s faces in %s images",
                (Double) m.get("ap"), IOU, m.get("faces"), m.get("images")));
        r.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "; recall %.4f at %s FP/image", (Double) v, k)));
        if (m.get("wider_subsets") instanceof Map<?, ?> w) {
            sb.append(";");
            w.forEach((k, v) -> {
                Object ap = ((Map<?, ?>) v).get("ap");
                sb.append(String.format(Locale.ROOT, " %s AP %s", k, ap == null ? "-" : String.format(Locale.ROOT,
                        "%.4f", (Double) ap)));
            });
        }
        if (m.containsKey("landmark_nme")) {
            sb.append(String.format(Locale.ROOT, "; landmark NME %.4f (inter-pupil) over %d faces",
                    (Double) m.get("landmark_nme"), (Long) m.get("landmark_faces")));
        }
        return sb.toString();
    }

    private static String markdown(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("# Detector evaluation\n\n");
        sb.append("Set: ").append(m.get("set")).append(" (").append(m.get("evaluated")).append(")\n\n");
        sb.append(summary(m)).append(".\n\n");
        sb.append("| faces | scored | AP |\n|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| all | %s | %.4f |%n", m.get("faces"), (Double) m.get("ap")));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> bands = (Map<String, Map<String, Object>>) m.get("by_size");
        bands.forEach((name, b) -> sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", name, b.get("faces"),
                b.get("ap") == null ? "–" : String.format(Locale.ROOT, "%.4f", (Double) b.get("ap")))));
        if (m.get("wider_subsets") instanceof Map<?, ?> w) {
            w.forEach((name, v) -> {
                Map<?, ?> b = (Map<?, ?>) v;
                sb.append(String.format(Locale.ROOT, "| WIDER %s | %s | %s |%n", name, b.get("faces"),
                        b.get("ap") == null ? "–" : String.format(Locale.ROOT, "%.4f", (Double) b.get("ap"))));
            });
        }
        sb.append("\nIgnored regions (marked invalid, or below the minimum size): ").append(m.get("ignored_regions"))
                .append(". Size bands score the faces in the band and ignore the others, as WIDER's easy, medium and "
                        + "hard subsets do; they are our bands. The WIDER rows (when the set has WIDER's "
                        + "eval_tools lists) are WIDER's own easy/medium/hard subsets.\n\n");
        sb.append("![precision-recall](precision_recall.png)\n\n");
        sb.append("`detections/` holds the detections in WIDER's submission layout.\n");
        return sb.toString();
    }
}

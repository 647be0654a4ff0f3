package faceattr.analysis;

import faceattr.align.AlignmentTemplate;
import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.detect.Box;
import faceattr.detect.DetectedFace;
import faceattr.detect.FaceDetector;
import faceattr.detect.Landmarks;
import faceattr.engine.Lanes;
import faceattr.estimate.AttributeEstimator;
import faceattr.estimate.FaceAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The work of {@link FaceAnalyzer} on one batch of images: detection of all images in one call,
 * the crops of each image cut in one go, estimation of all crops in one call; when a call fails,
 * it is repeated image by image so that the failure stays with the image that caused it.
 */
final class BatchRun {
    private final FaceDetector detector;
    private final AttributeEstimator estimator;
    private final Lanes lanes;

    /**
     * @param detector the detector
     * @param estimator the estimator, or null to detect only
     * @param lanes where estimation runs
     */
    BatchRun(FaceDetector detector, AttributeEstimator estimator, Lanes lanes) {
        this.detector = detector;
        this.estimator = estimator;
        this.lanes = lanes;
    }

    /** An image of a batch, or the reason it could not be read (then image is null). */
    record Item(String source, RgbImage image, String unreadable) {
    }

    /** Detects, crops and estimates one batch; failures stay with their image. */
    List<ImageResult> run(List<Item> items, Progress progress) {
        List<Integer> readable = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            if (items.get(k).image() != null) {
                readable.add(k);
            }
        }
        String[] failure = new String[items.size()];
        for (int k = 0; k < items.size(); k++) {
            failure[k] = items.get(k).unreadable();
        }
        List<List<DetectedFace>> faces = new ArrayList<>(Collections.nCopies(items.size(), List.of()));
        detect(items, readable, faces, failure, progress);
        List<List<FaceAttributes>> attributes = new ArrayList<>(Collections.nCopies(items.size(),
                List.of()));
        if (estimator != null) {
            progress.checkCancelled();
            estimate(items, faces, attributes, failure, progress);
        }
        List<ImageResult> out = new ArrayList<>(items.size());
        for (int k = 0; k < items.size(); k++) {
            out.add(failure[k] != null ? ImageResult.failed(items.get(k).source(), failure[k])
                    : ImageResult.of(items.get(k).source(), faces.get(k), attributes.get(k)));
        }
        return out;
    }

    /** Work on several images of the batch at once: one result per index, in order. */
    @FunctionalInterface
    private interface Call<T> {
        List<T> run(List<Integer> which) throws Exception;
    }

    /**
     * Runs {@code call} on all {@code which} at once; if that fails (a cancellation excepted), on
     * each alone, so that the failure is recorded for the image that caused it and the others get
     * their results.
     */
    private static <T> void allThenEach(List<Integer> which, List<Item> items, String step, String[] failure,
            Call<T> call, List<T> results) {
        if (which.isEmpty()) {
            return;
        }
        try {
            List<T> all = call.run(which);
            for (int j = 0; j < which.size(); j++) {
                results.set(which.get(j), all.get(j));
            }
            return;
        } catch (CancelledException e) {
            throw e;
        } catch (Exception | OutOfMemoryError e) {
            if (which.size() == 1) {
                failure[which.get(0)] = failed(items.get(which.get(0)).source(), step, e);
                return;
            }
        }
        for (int k : which) {
            try {
                results.set(k, call.run(List.of(k)).get(0));
            } catch (CancelledException e) {
                throw e;
            } catch (Exception | OutOfMemoryError e) {
                failure[k] = failed(items.get(k).source(), step, e);
            }
        }
    }

    /** Detection of the readable items in one call (mixed R-Net and O-Net batches). */
    private void detect(List<Item> items, List<Integer> readable, List<List<DetectedFace>> faces, String[] failure,
            Progress progress) {
        allThenEach(readable, items, "detection", failure,
                ks -> detector.detectAll(ks.stream().map(k -> items.get(k).image()).toList(), progress), faces);
    }

    /**
     * Cuts every face's crop (one conversion per image) and estimates all crops of the batch in
     * one call on the lanes. An image whose crops or estimation fail loses its faces.
     */
    void estimate(List<Item> items, List<List<DetectedFace>> faces, List<List<FaceAttributes>> attributes,
            String[] failure, Progress progress) {
        List<List<RgbImage>> crops = new ArrayList<>(Collections.nCopies(items.size(), List.of()));
        List<Integer> withFaces = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            if (failure[k] == null && !faces.get(k).isEmpty()) {
                withFaces.add(k);
            }
        }
        allThenEach(withFaces, items, "cutting the face crops", failure,
                ks -> ks.stream().map(k -> checkedCrops(items.get(k).image(), faces.get(k))).toList(), crops);
        List<Integer> ok = withFaces.stream().filter(k -> failure[k] == null).toList();
        if (!ok.isEmpty()) {
            progress.report(0.95, "estimating " + ok.stream().mapToInt(k -> crops.get(k).size()).sum() + " faces");
        }
        allThenEach(ok, items, "estimating the attributes", failure, ks -> {
            List<RgbImage> all = new ArrayList<>();
            ks.forEach(k -> all.addAll(crops.get(k)));
            List<FaceAttributes> estimated = lanes.call(() -> estimator.estimate(all));
            if (estimated.size() != all.size()) {
                throw new IllegalStateException(estimator.name() + " returned " + estimated.size() + " results for "
                        + all.size() + " faces");
            }
            List<List<FaceAttributes>> split = new ArrayList<>();
            int at = 0;
            for (int k : ks) {
                split.add(estimated.subList(at, at + crops.get(k).size()));
                at += crops.get(k).size();
            }
            return split;
        }, attributes);
        for (int k : withFaces) {
            if (failure[k] != null) {
                faces.set(k, List.of());
            }
        }
    }

    private List<RgbImage> checkedCrops(RgbImage image, List<DetectedFace> faces) {
        List<RgbImage> c = estimator.crops(image, faces);
        if (c.size() != faces.size()) {
            throw new IllegalStateException(estimator.name() + " cut " + c.size() + " crops for " + faces.size()
                    + " faces");
        }
        return c;
    }

    static String failed(String source, String step, Throwable e) {
        String why = e instanceof FaceAttrException fe ? fe.getMessage()
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof OutOfMemoryError) {
            return source + ": " + step + " ran out of memory; downscale the image or give Java more memory (-Xmx)";
        }
        return source + ": " + step + " failed (" + why + "). If the image opens in other programs, please report "
                + "this with the image attached";
    }

    /**
     * The face in a marked box: see {@link FaceAnalyzer#analyzeRegions}.
     */
    DetectedFace faceIn(RgbImage rgb, Box drawn, Progress progress) {
        // A box drawn partly off the image: the part on it.
        double bx = Math.max(0, drawn.x());
        double by = Math.max(0, drawn.y());
        Box box = new Box(bx, by, Math.min(rgb.width(), drawn.x2()) - bx, Math.min(rgb.height(), drawn.y2()) - by);
        if (box.width() < 1 || box.height() < 1) {
            throw new IllegalArgumentException("the box " + drawn + " lies outside the " + rgb.width() + "x"
                    + rgb.height() + " image");
        }
        int mx = (int) (box.width() / 2);
        int my = (int) (box.height() / 2);
        int x0 = (int) Math.max(0, box.x() - mx);
        int y0 = (int) Math.max(0, box.y() - my);
        int x1 = (int) Math.min(rgb.width(), box.x2() + mx);
        int y1 = (int) Math.min(rgb.height(), box.y2() + my);
        byte[] px = new byte[(x1 - x0) * (y1 - y0) * 3];
        for (int y = y0; y < y1; y++) {
            System.arraycopy(rgb.pixels(), (y * rgb.width() + x0) * 3, px, ((y - y0) * (x1 - x0)) * 3, (x1 - x0) * 3);
        }
        DetectedFace best = null;
        for (DetectedFace f : detector.detect(new RgbImage(x1 - x0, y1 - y0, px), progress)) {
            double cx = f.box().x() + f.box().width() / 2 + x0;
            double cy = f.box().y() + f.box().height() / 2 + y0;
            boolean inside = cx >= box.x() && cx <= box.x2() && cy >= box.y() && cy <= box.y2();
            if (inside && (best == null || f.score() > best.score())) {
                best = f;
            }
        }
        if (best != null) {
            double[] lm = best.landmarks().toArray();
            for (int i = 0; i < lm.length; i += 2) {
                lm[i] += x0;
                lm[i + 1] += y0;
            }
            return new DetectedFace(box, best.score(), new Landmarks(lm));
        }
        double side = Math.max(box.width(), box.height());
        double[] t = AlignmentTemplate.forSize(112).toArray();
        double[] lm = new double[10];
        for (int i = 0; i < 10; i += 2) {
            lm[i] = box.x() + (box.width() - side) / 2 + t[i] / 112 * side;
            lm[i + 1] = box.y() + (box.height() - side) / 2 + t[i + 1] / 112 * side;
        }
        return new DetectedFace(box, 0, new Landmarks(lm));
    }
}

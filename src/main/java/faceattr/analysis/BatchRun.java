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

    /** Detection of all readable items in one call; if it fails, one by one to find the culprit. */
    private void detect(List<Item> items, List<Integer> readable, List<List<DetectedFace>> faces, String[] failure,
            Progress progress) {
        try {
            List<List<DetectedFace>> found = detector.detectAll(readable.stream().map(k -> items.get(k).image())
                    .toList(), progress);
            for (int j = 0; j < readable.size(); j++) {
                faces.set(readable.get(j), found.get(j));
            }
            return;
        } catch (CancelledException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            if (readable.size() == 1) {
                failure[readable.get(0)] = failed(items.get(readable.get(0)).source(), "detection", e);
                return;
            }
        }
        for (int k : readable) {
            try {
                faces.set(k, detector.detect(items.get(k).image(), progress));
            } catch (CancelledException e) {
                throw e;
            } catch (RuntimeException | OutOfMemoryError e) {
                failure[k] = failed(items.get(k).source(), "detection", e);
            }
        }
    }

    /**
     * Cuts every face's crop (one conversion per image) and estimates all crops of the batch in
     * one call; if that fails, image by image to find the culprit.
     */
    void estimate(List<Item> items, List<List<DetectedFace>> faces, List<List<FaceAttributes>> attributes,
            String[] failure, Progress progress) {
        List<List<RgbImage>> crops = new ArrayList<>(Collections.nCopies(items.size(), List.of()));
        List<Integer> ok = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            if (failure[k] != null || faces.get(k).isEmpty()) {
                continue;
            }
            try {
                crops.set(k, estimator.crops(items.get(k).image(), faces.get(k)));
                ok.add(k);
            } catch (RuntimeException | OutOfMemoryError e) {
                failure[k] = failed(items.get(k).source(), "cutting the face crops", e);
                faces.set(k, List.of());
            }
        }
        if (ok.isEmpty()) {
            return;
        }
        progress.report(0.95, "estimating " + ok.stream().mapToInt(k -> crops.get(k).size()).sum() + " faces");
        try {
            List<RgbImage> all = new ArrayList<>();
            ok.forEach(k -> all.addAll(crops.get(k)));
            List<FaceAttributes> estimated = lanes.call(() -> estimator.estimate(all));
            int at = 0;
            for (int k : ok) {
                int n = crops.get(k).size();
                attributes.set(k, estimated.subList(at, at + n));
                at += n;
            }
            return;
        } catch (CancelledException e) {
            throw e;
        } catch (Exception | OutOfMemoryError e) {
            if (ok.size() == 1) {
                failure[ok.get(0)] = failed(items.get(ok.get(0)).source(), "estimating the attributes", e);
                faces.set(ok.get(0), List.of());
                return;
            }
        }
        for (int k : ok) {
            try {
                List<RgbImage> own = crops.get(k);
                attributes.set(k, lanes.call(() -> estimator.estimate(own)));
            } catch (CancelledException e) {
                throw e;
            } catch (Exception | OutOfMemoryError e) {
                failure[k] = failed(items.get(k).source(), "estimating the attributes", e);
                faces.set(k, List.of());
            }
        }
    }

    static String failed(String source, String step, Throwable e) {
        String why = e instanceof FaceAttrException fe ? fe.getMessage()
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof OutOfMemoryError) {
            return source + ": " + step + " ran out of memory; downscale the image or give Java more memory (-Xmx)";
        }
        return source + ": " + step + " failed (" + why + "); the other images were analysed. If the image opens "
                + "in other programs, please report this with the image attached";
    }

    /**
     * The face in a marked box: see {@link FaceAnalyzer#analyzeRegions}.
     */
    DetectedFace faceIn(RgbImage rgb, Box box, Progress progress) {
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

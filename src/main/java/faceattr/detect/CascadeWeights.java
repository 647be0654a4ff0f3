package faceattr.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import faceattr.io.tflite.TfliteModel;
import faceattr.io.tflite.TfliteOperator;
import faceattr.io.tflite.TfliteTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the pretrained weights of one MTCNN stage from its TFLite file into a {@link CascadeNet}:
 * layers are matched by their order in the graph (convolutions, PReLU slopes, fully connected),
 * which is robust to the converter's naming, every shape is checked, and TFLite's channels-last
 * kernels are transposed into DJL's layout.
 */
final class CascadeWeights {
    private CascadeWeights() {
    }

    /**
     * Copies the pretrained weights of one TFLite stage into this (initialised) net. Layers are
     * matched by their order in the graph (convolutions, PReLU slopes, fully connected), which is
     * robust to the converter's naming; every shape is checked.
     */
    static void load(CascadeNet net, TfliteModel m) throws FaceAttrException {
        CascadeNet.Stage stage = net.stage;
        try {
            loadChecked(net, m);
        } catch (RuntimeException e) {
            // A damaged file that still parses (missing inputs, wrong ranks) must not escape as a
            // NullPointerException or index error.
            throw new FaceAttrException(null, m.source() + ": not a usable " + stage + " model (" + e
                    + "); reinstall the plugin or rebuild it with 'mvn package'", e);
        }
    }

    private static void loadChecked(CascadeNet net, TfliteModel m) throws FaceAttrException {
        CascadeNet.Stage stage = net.stage;
        List<TfliteTensor[]> convW = new ArrayList<>();
        List<TfliteTensor[]> fcW = new ArrayList<>();
        List<TfliteTensor> alphas = new ArrayList<>();
        for (TfliteOperator op : m.operators()) {
            switch (op.op()) {
                case "CONV_2D" -> convW.add(new TfliteTensor[] {m.tensors().get(op.inputs()[1]),
                    m.tensors().get(op.inputs()[2])});
                case "FULLY_CONNECTED" -> fcW.add(new TfliteTensor[] {m.tensors().get(op.inputs()[1]),
                    m.tensors().get(op.inputs()[2])});
                case "MUL" -> {
                    for (int in : op.inputs()) {
                        TfliteTensor t = m.tensors().get(in);
                        if (t.data() != null) {
                            alphas.add(t);
                        }
                    }
                }
                default -> {
                    // Activations, pools and the softmax have no weights.
                }
            }
        }
        int expectConv = net.convs.size() + (stage == CascadeNet.Stage.PNET ? net.heads.size() : 0);
        int expectFc = stage == CascadeNet.Stage.PNET ? 0 : 1 + net.heads.size();
        int expectPrelu = net.prelus.size() + (stage == CascadeNet.Stage.PNET ? 0 : 1);
        if (convW.size() != expectConv || fcW.size() != expectFc || alphas.size() != expectPrelu) {
            throw new FaceAttrException(null, m.source() + ": expected " + stage + " with " + expectConv
                    + " convolutions, " + expectFc + " fully connected layers and " + expectPrelu
                    + " PReLUs, found " + convW.size() + ", " + fcW.size() + ", " + alphas.size()
                    + "; it is not the expected MTCNN file: reinstall the plugin", null);
        }
        for (int i = 0; i < net.convs.size(); i++) {
            setConv(net.convs.get(i), convW.get(i), m);
            set(net.prelus.get(i).getParameters().get("alpha"), alphas.get(i).data(), m, alphas.get(i));
        }
        if (stage == CascadeNet.Stage.PNET) {
            for (int i = 0; i < net.heads.size(); i++) {
                setConv((Conv2d) net.heads.get(i), convW.get(net.convs.size() + i), m);
            }
            return;
        }
        int c = stage.convs[stage.convs.length - 1][1];
        int side = (int) Math.round(Math.sqrt(stage.fcPositions));
        setLinear(net.fc, fcW.get(0), m, c, side);
        set(net.fcPrelu.getParameters().get("alpha"), alphas.get(net.prelus.size()).data(), m, alphas.get(net.prelus.size()));
        for (int i = 0; i < net.heads.size(); i++) {
            setLinear((Linear) net.heads.get(i), fcW.get(1 + i), m, 0, 0);
        }
    }

    private static void setConv(Conv2d conv, TfliteTensor[] wb, TfliteModel m) throws FaceAttrException {
        int[] s = wb[0].shape(); // [O, kh, kw, I] in the transposed frame
        Shape ours = conv.getParameters().get("weight").getArray().getShape();
        if (s.length != 4 || ours.get(0) != s[0] || ours.get(1) != s[3] || ours.get(2) != s[2] || ours.get(3) != s[1]) {
            throw new FaceAttrException(null, m.source() + ": tensor " + wb[0].name() + " has shape "
                    + java.util.Arrays.toString(s) + ", expected [O, kh, kw, I] for " + ours
                    + "; it is not the expected MTCNN file: reinstall the plugin", null);
        }
        int o = s[0];
        int kh = s[1];
        int kw = s[2];
        int in = s[3];
        float[] src = wb[0].data();
        float[] dst = new float[src.length];
        // ours[o][i][y][x] = tf[o][x][y][i]: TF's kh runs along image x.
        for (int a = 0; a < o; a++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < kw; y++) {
                    for (int x = 0; x < kh; x++) {
                        dst[((a * in + i) * kw + y) * kh + x] = src[((a * kh + x) * kw + y) * in + i];
                    }
                }
            }
        }
        set(conv.getParameters().get("weight"), dst, m, wb[0]);
        set(conv.getParameters().get("bias"), wb[1].data(), m, wb[1]);
    }

    /**
     * @param channels channels of the feature map feeding the layer (0: plain vector input)
     * @param side its spatial side (square maps)
     */
    private static void setLinear(Linear lin, TfliteTensor[] wb, TfliteModel m, int channels, int side)
            throws FaceAttrException {
        float[] src = wb[0].data();
        float[] dst = src;
        Shape ours = lin.getParameters().get("weight").getArray().getShape();
        int[] s = wb[0].shape();
        if (s.length != 2 || ours.get(0) != s[0] || ours.get(1) != s[1]) {
            throw new FaceAttrException(null, m.source() + ": tensor " + wb[0].name() + " has shape "
                    + java.util.Arrays.toString(s) + ", expected " + ours
                    + "; it is not the expected MTCNN file: reinstall the plugin", null);
        }
        if (channels > 0) {
            int out = wb[0].shape()[0];
            int in = wb[0].shape()[1];
            dst = new float[src.length];
            // TF flattens NHWC of the transposed frame: index (x * side + y) * C + c.
            // Ours flattens NCHW of the image frame:    index c * side * side + y * side + x.
            for (int a = 0; a < out; a++) {
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < side; y++) {
                        for (int x = 0; x < side; x++) {
                            dst[a * in + (c * side + y) * side + x] = src[a * in + (x * side + y) * channels + c];
                        }
                    }
                }
            }
        }
        set(lin.getParameters().get("weight"), dst, m, wb[0]);
        set(lin.getParameters().get("bias"), wb[1].data(), m, wb[1]);
    }

    private static void set(Parameter p, float[] data, TfliteModel m, TfliteTensor t) throws FaceAttrException {
        NDArray arr = p.getArray();
        if (data == null || arr.size() != data.length) {
            throw new FaceAttrException(null, m.source() + ": tensor " + t.name() + " has "
                    + (data == null ? 0 : data.length) + " values, layer " + p.getName() + " needs " + arr.size()
                    + "; it is not the expected MTCNN file: reinstall the plugin", null);
        }
        Engines.load(arr, data);
    }
}

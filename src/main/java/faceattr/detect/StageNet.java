package faceattr.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import faceattr.core.FaceAttrException;
import faceattr.engine.OrtNet;
import faceattr.io.onnx.OnnxGraph;
import java.nio.FloatBuffer;

/**
 * One cascade stage on the engine chosen for inference: ONNX Runtime running the graph the stage
 * writes ({@link CascadeNet#toOnnx}), or the DJL blocks on PyTorch. Inputs follow the graph's
 * layout: P-Net (1, 3, h, w) planar, R-Net and O-Net (n, size, size, 3) channels-last. Outputs are
 * row-major: probability, regression and, for O-Net, landmarks, shaped as {@link CascadeNet}
 * documents. Thread-safe; closed by the detector.
 */
abstract class StageNet implements AutoCloseable {
    final CascadeNet.Stage stage;

    private StageNet(CascadeNet.Stage stage) {
        this.stage = stage;
    }

    /**
     * @param data the input values
     * @param shape the input shape in the graph's layout
     * @return the outputs' values
     */
    abstract float[][] run(float[] data, long... shape);

    @Override
    public abstract void close();

    /** @return the stage as an ONNX model */
    static byte[] onnx(CascadeNet net) {
        OnnxGraph g = new OnnxGraph("MTCNN " + net.stage().name() + (net.rfb() != null ? " with RFB" : ""));
        net.toOnnx(g);
        g.metadata("input", net.stage() == CascadeNet.Stage.PNET
                ? "RGB, (v - 127.5) / 128, planar (batch, 3, height, width)"
                : "RGB, (v - 127.5) / 128, channels last (batch, " + net.stage().size + ", " + net.stage().size
                        + ", 3)");
        return g.toBytes();
    }

    /** The stage on ONNX Runtime, from the net's current weights. */
    static StageNet onnxRuntime(CascadeNet net) throws FaceAttrException {
        OrtNet ort = OrtNet.open(onnx(net), net.stage().name().charAt(0) + "-Net");
        return new StageNet(net.stage()) {
            @Override
            float[][] run(float[] data, long... shape) {
                return ort.run(data, shape).values().toArray(new float[0][]);
            }

            @Override
            public void close() {
                ort.close();
            }
        };
    }

    /** The stage on PyTorch: the DJL blocks, with temporaries in a sub-manager per call. */
    static StageNet pytorch(CascadeNet net, NDManager manager) {
        ParameterStore params = new ParameterStore(manager, false);
        return new StageNet(net.stage()) {
            @Override
            float[][] run(float[] data, long... shape) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(FloatBuffer.wrap(data), new Shape(shape));
                    if (stage != CascadeNet.Stage.PNET) {
                        // Channels-last memory seen as NCHW: oneDNN then runs R-Net and O-Net in
                        // its NHWC kernels, and the pools' strided maxima read whole pixels.
                        x = x.transpose(0, 3, 1, 2);
                    }
                    NDList out = net.forward(params, new NDList(x), false);
                    float[][] values = new float[out.size()][];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = out.get(i).toFloatArray();
                    }
                    return values;
                }
            }

            @Override
            public void close() {
                // the blocks' weights belong to the detector's manager
            }
        };
    }
}

package faceattr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.Tensor;
import faceattr.model.MultiTaskNet;
import faceattr.model.io.ModelFolder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The network's parameters to and from stored tensors, by parameter name. */
final class Weights {
    private Weights() {
    }

    /**
     * Loads the tensors of a model folder whose names and shapes match: fine-tuning starts from
     * whatever fits, so a model with other tasks still gives its backbone.
     *
     * @return how many tensors were loaded
     */
    static int loadMatching(ModelFolder folder, MultiTaskNet net) {
        int n = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            String name = p.getKey();
            if (folder.names().contains(name) && Arrays.equals(folder.shape(name), a.getShape().getShape())) {
                a.set(FloatBuffer.wrap(folder.tensor(name)));
                n++;
            }
        }
        return n;
    }

    /**
     * Loads every parameter from a checkpoint, which must hold them all.
     *
     * @param dir the checkpoint folder, for the message
     * @throws FaceAttrException naming the first parameter it lacks
     */
    static void loadAll(SafeTensorsFile file, MultiTaskNet net, Path dir) throws FaceAttrException {
        for (Pair<String, Parameter> p : net.getParameters()) {
            Tensor t = file.tensor(p.getKey());
            if (t == null) {
                throw new FaceAttrException(dir, "the checkpoint lacks " + p.getKey() + "; delete it to start over",
                        null);
            }
            p.getValue().getArray().set(FloatBuffer.wrap(t.toFloatArray()));
        }
    }

    /** @return every parameter as a float tensor, in the network's order */
    static Map<String, Tensor> tensors(MultiTaskNet net) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            out.put(p.getKey(), Tensor.f32(a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }
}

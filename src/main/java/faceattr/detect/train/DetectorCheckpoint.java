package faceattr.detect.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.detect.DetectorFolder;
import faceattr.detect.DetectorNets;
import faceattr.engine.Engines;
import faceattr.io.AtomicFiles;
import faceattr.io.Json;
import faceattr.io.JsonFields;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.io.safetensors.SafeTensorsWriter;
import faceattr.io.safetensors.Tensor;
import faceattr.train.AdamW;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a detector run stands, written after every epoch into {@code <DIR>.training/checkpoint/}
 * beside the detector folder (as a whole, atomically): every parameter of the three nets
 * ({@code nets.safetensors}), the optimizer's moments of the stage in progress
 * ({@code optimizer.safetensors}) and {@code state.json} (the stage and the epochs finished in it,
 * the optimizer's step count, the options and the data a resume must match). Crops, order and
 * candidates are seeded by stage, epoch and image, so a resumed run ends with the same weights as
 * one that was never stopped.
 *
 * @param stage the index (in the run's stage list) of the stage in progress
 * @param epochsDone epochs of that stage already finished
 * @param steps the optimizer's step count
 * @param options the fingerprint of the options that must not change ({@code --epochs} may)
 * @param data the fingerprint of the training images
 */
record DetectorCheckpoint(int stage, int epochsDone, long steps, String options, String data) {
    static final int FORMAT = 1;

    /** @return the checkpoint folder of a detector folder */
    static Path dir(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".training").resolve("checkpoint");
    }

    /** Writes the checkpoint, replacing the previous one only once complete. */
    void write(Path out, DetectorNets nets, AdamW adam) throws FaceAttrException {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String s : DetectorFolder.STAGES) {
            for (Pair<String, Parameter> p : nets.parameters(s)) {
                NDArray a = p.getValue().getArray();
                params.put(s + "/" + p.getKey(), Tensor.f32(a.getShape().getShape(), a.toFloatArray()));
            }
        }
        Map<String, Tensor> moments = new LinkedHashMap<>();
        adam.state().forEach((k, a) -> moments.put(k, Tensor.f32(a.getShape().getShape(), a.toFloatArray())));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", FORMAT);
        state.put("stage", stage);
        state.put("epochs_done", epochsDone);
        state.put("steps", steps);
        state.put("options", options);
        state.put("data", data);
        String json = Json.write(Json.toTree(state));
        Path dir = dir(out);
        try {
            AtomicFiles.replaceDirectory(dir, tmp -> {
                try {
                    SafeTensorsWriter.write(tmp.resolve("nets.safetensors"), params, Map.of());
                    SafeTensorsWriter.write(tmp.resolve("optimizer.safetensors"), moments, Map.of());
                } catch (FaceAttrException e) {
                    throw new IOException(e.getMessage(), e);
                }
                Files.writeString(tmp.resolve("state.json"), json, StandardCharsets.UTF_8);
            });
        } catch (IOException e) {
            throw new FaceAttrException(dir, "cannot write the checkpoint (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param out the detector folder
     * @return the checkpoint beside it, or null when there is none
     * @throws FaceAttrException when it is there but unreadable, naming the file
     */
    static DetectorCheckpoint read(Path out) throws FaceAttrException {
        Path file = dir(out).resolve("state.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonFields f = JsonFields.of(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), "state.json");
            if (f.integer("format") != FORMAT) {
                throw new IllegalArgumentException("format " + f.integer("format") + " is not " + FORMAT);
            }
            return new DetectorCheckpoint(f.integer("stage"), f.integer("epochs_done"), f.longInteger("steps"),
                    f.string("options"), f.string("data"));
        } catch (IOException | RuntimeException e) {
            throw new FaceAttrException(file, "unreadable checkpoint (" + e.getMessage() + "); start again without "
                    + "--resume into another folder", e);
        }
    }

    /** Puts the checkpoint's parameters into the nets and its moments into the optimizer. */
    void restore(Path out, DetectorNets nets, AdamW adam) throws FaceAttrException {
        Path dir = dir(out);
        SafeTensorsFile params = SafeTensorsReader.read(dir.resolve("nets.safetensors"));
        for (String s : DetectorFolder.STAGES) {
            for (Pair<String, Parameter> p : nets.parameters(s)) {
                Tensor t = params.tensors().get(s + "/" + p.getKey());
                if (t == null) {
                    throw new FaceAttrException(dir.resolve("nets.safetensors"), "lacks " + s + "/" + p.getKey()
                            + "; the checkpoint belongs to another detector layout", null);
                }
                Engines.load(p.getValue().getArray(), t.toFloatArray());
            }
        }
        SafeTensorsFile moments = SafeTensorsReader.read(dir.resolve("optimizer.safetensors"));
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        moments.tensors().forEach((k, t) -> {
            values.put(k, t.toFloatArray());
            shapes.put(k, t.shape());
        });
        adam.restore(values, shapes, steps);
    }
}

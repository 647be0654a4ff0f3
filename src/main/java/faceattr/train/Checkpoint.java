package faceattr.train;

import com.google.gson.JsonParseException;
import faceattr.core.FaceAttrException;
import faceattr.data.Sample;
import faceattr.io.AtomicFiles;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.io.safetensors.SafeTensorsWriter;
import faceattr.io.safetensors.Tensor;
import faceattr.labels.Task;
import faceattr.model.MultiTaskNet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checkpoint folder {@code <model>.training/checkpoint/}: the parameters, AdamW's state
 * ({@code parameters.safetensors}, {@code optimizer.safetensors}) and the {@link TrainingState}
 * ({@code state.json}), replaced as a whole after every epoch so that a crash leaves either the
 * old or the new one. A checkpoint only continues the run it was made by: the state records a
 * fingerprint of the options and the data, and resuming with another is refused.
 */
final class Checkpoint {
    static final String NAME = "checkpoint";

    private final Path dir;
    private final String fingerprint;

    /**
     * @param trainingDir the run's folder beside the model
     * @param options the run's options
     * @param samples the run's samples, with their splits
     */
    Checkpoint(Path trainingDir, TrainOptions options, List<Sample> samples) {
        this.dir = trainingDir.resolve(NAME);
        this.fingerprint = fingerprint(options) + " data=" + dataKey(samples);
    }

    /**
     * Finishes or undoes a replacement that a crash interrupted (only when resuming: a fresh run
     * must not touch another run's files), and refuses a fresh run over an existing one.
     *
     * @param resume whether the run is to continue the checkpoint
     * @param out the model folder, for the message
     * @return whether there is a checkpoint to continue
     * @throws FaceAttrException when a fresh run would overwrite a run, or the folder cannot be restored
     */
    boolean open(boolean resume, Path out) throws FaceAttrException {
        if (resume) {
            try {
                AtomicFiles.recoverDirectory(dir);
            } catch (IOException e) {
                throw new FaceAttrException(dir, "cannot restore the checkpoint folder: " + e.getMessage(), e);
            }
        } else if (Files.isDirectory(dir)) {
            throw new FaceAttrException(dir, "a training run into " + out + " exists already; continue it "
                    + "with --resume (the Resume box in Fiji), or delete " + dir.getParent() + " and " + out
                    + " to start over", null);
        }
        return resume && Files.isDirectory(dir);
    }

    /** @return the state of a run that starts from scratch */
    TrainingState fresh() {
        TrainingState state = new TrainingState();
        state.fingerprint = fingerprint;
        return state;
    }

    /**
     * Writes the checkpoint in place of the last one.
     *
     * @throws FaceAttrException when it cannot be written (the last one is then kept)
     */
    void write(MultiTaskNet net, AdamW adam, TrainingState state) throws FaceAttrException {
        try {
            AtomicFiles.replaceDirectory(dir, tmp -> {
                writeTensors(tmp.resolve("parameters.safetensors"), Weights.tensors(net));
                Map<String, Tensor> opt = new LinkedHashMap<>();
                adam.state().forEach((k, a) -> opt.put(k, Tensor.f32(a.getShape().getShape(), a.toFloatArray())));
                writeTensors(tmp.resolve("optimizer.safetensors"), opt);
                Files.writeString(tmp.resolve("state.json"), state.toJson(), StandardCharsets.UTF_8);
            });
        } catch (IOException e) {
            throw new FaceAttrException(dir, "cannot write the checkpoint (" + e.getMessage() + "); check the free space "
                    + "and that the output folder is writable", e);
        }
    }

    private static void writeTensors(Path file, Map<String, Tensor> tensors) throws IOException {
        try {
            SafeTensorsWriter.write(file, tensors, Map.of());
        } catch (FaceAttrException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Loads the checkpoint into the network and the optimizer.
     *
     * @return the state it was written with
     * @throws FaceAttrException when it cannot be read, lacks a parameter, or was made with other
     *     options or data
     */
    TrainingState load(MultiTaskNet net, AdamW adam) throws FaceAttrException {
        TrainingState state;
        try {
            state = TrainingState.fromJson(Files.readString(dir.resolve("state.json")));
        } catch (IOException | JsonParseException | IllegalArgumentException e) {
            throw new FaceAttrException(dir.resolve("state.json"), "cannot read the checkpoint state (" + e.getMessage()
                    + "); delete " + dir + " to start over", e);
        }
        if (!fingerprint.equals(state.fingerprint)) {
            throw new FaceAttrException(dir, "the checkpoint was made with other options (" + state.fingerprint
                    + "; now " + fingerprint + "); resume with the same options or train into "
                    + "another folder", null);
        }
        Weights.loadAll(SafeTensorsReader.read(dir.resolve("parameters.safetensors")), net, dir);
        SafeTensorsFile opt = SafeTensorsReader.read(dir.resolve("optimizer.safetensors"));
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : opt.names()) {
            values.put(name, opt.tensor(name).toFloatArray());
            shapes.put(name, opt.tensor(name).shape());
        }
        adam.restore(values, shapes, state.step);
        return state;
    }

    /**
     * @return a short hash of the samples and their splits: the data, the validation fraction and
     *     the age range a resumed run must share with the checkpoint
     */
    static String dataKey(List<Sample> samples) {
        List<String> keys = new ArrayList<>();
        for (Sample s : samples) {
            keys.add(s.source() + ":" + s.image().toAbsolutePath() + ":" + s.split());
        }
        Collections.sort(keys);
        return Integer.toHexString(keys.hashCode()) + "/" + keys.size();
    }

    /** The options a checkpoint must share with the run that resumes it (not the epoch count). */
    static String fingerprint(TrainOptions o) {
        return "input=" + o.inputSize() + " branch=" + o.branchPoint() + " tasks="
                + o.tasks().stream().map(Task::key).toList() + " batch=" + o.batch() + " lr=" + o.learningRate()
                + " wd=" + o.weightDecay() + " warmup=" + o.warmupEpochs() + " clip=" + o.clipNorm() + " epoch_size="
                + o.epochSize() + " ratios=" + new TreeMap<>(o.ratios()) + " balanced=" + o.classBalanced()
                + " augment=" + o.augment() + " seed=" + o.seed() + " bn_momentum=" + o.bnMomentum();
    }
}

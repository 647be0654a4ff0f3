package faceattr.detect;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import faceattr.io.AtomicFiles;
import faceattr.io.Json;
import faceattr.io.JsonFields;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.io.safetensors.SafeTensorsWriter;
import faceattr.io.safetensors.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuned detector on disk (docs/detection-training.md): {@value #CARD} (what it is and how it
 * was made) and {@code pnet.safetensors}, {@code rnet.safetensors}, {@code onet.safetensors}
 * (every parameter of each stage by name, float32). The pretrained cascade's TFLite weights are
 * loaded first and the folder's tensors replace them, so a folder always describes the whole
 * cascade. Written by the detector trainer, read by {@link RfemtcDetector} when
 * {@link DetectorSettings#detector()} names it.
 */
public final class DetectorFolder {
    /** The card's file name. */
    public static final String CARD = "detector.json";
    /** The card format this version writes and reads. */
    public static final int FORMAT = 1;
    /** The stages, in cascade order, by their file names. */
    public static final List<String> STAGES = List.of("pnet", "rnet", "onet");

    /**
     * A detector folder's card.
     *
     * @param rfe whether the nets include the receptive-field blocks
     * @param base the pretrained weights it started from
     * @param fields everything the card holds, in file order (stages trained, data, metrics, ...)
     */
    public record Card(boolean rfe, String base, Map<String, Object> fields) {
        /** Copies. */
        public Card {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    private DetectorFolder() {
    }

    /**
     * @param folder a detector folder
     * @return its card
     * @throws FaceAttrException naming the folder and what is wrong, when it is not a usable detector folder
     */
    public static Card read(Path folder) throws FaceAttrException {
        Path card = folder.resolve(CARD);
        if (!Files.isRegularFile(card)) {
            throw new FaceAttrException(folder, (Files.isDirectory(folder) ? "not a detector folder (no " + CARD + ")"
                    : "no such detector folder, and no installed detector of that name") + "; give the --out folder "
                    + "of 'faceattr train-detector' or an installed detector's name ('faceattr models list')", null);
        }
        try {
            com.google.gson.JsonElement json = Json.parse(Files.readString(card, StandardCharsets.UTF_8));
            if (!(Json.fromTree(json, CARD) instanceof Map<?, ?> raw)) {
                throw new IllegalArgumentException("the card is not a JSON object");
            }
            JsonFields f = JsonFields.of(json, CARD);
            int format = f.integer("format");
            if (format != FORMAT) {
                throw new IllegalArgumentException("format " + format + " is not " + FORMAT + " (written by another "
                        + "version of faceattr)");
            }
            for (String s : STAGES) {
                if (!Files.isRegularFile(folder.resolve(s + ".safetensors"))) {
                    throw new IllegalArgumentException(s + ".safetensors is missing");
                }
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            raw.forEach((k, v) -> fields.put((String) k, v));
            return new Card(f.bool("rfe"), f.string("base"), fields);
        } catch (IOException | RuntimeException e) {
            throw new FaceAttrException(card, "unreadable detector card (" + e.getMessage() + "); train the detector "
                    + "again or give another folder", e);
        }
    }

    /**
     * Replaces the parameters of one loaded stage with the folder's.
     *
     * @param folder the detector folder (its card already read)
     * @param stage {@code pnet}, {@code rnet} or {@code onet}
     * @param parameters the stage's parameters by name
     * @throws FaceAttrException when the file is corrupt or does not match the net, naming it
     */
    static void apply(Path folder, String stage, List<Pair<String, Parameter>> parameters) throws FaceAttrException {
        Path file = folder.resolve(stage + ".safetensors");
        SafeTensorsFile st = SafeTensorsReader.read(file);
        if (st.tensors().size() != parameters.size()) {
            throw new FaceAttrException(file, "holds " + st.tensors().size() + " tensors, the net has "
                    + parameters.size() + " parameters; the folder belongs to another detector layout", null);
        }
        for (Pair<String, Parameter> p : parameters) {
            Tensor t = st.tensors().get(p.getKey());
            long[] want = p.getValue().getArray().getShape().getShape();
            if (t == null || !Arrays.equals(t.shape(), want)) {
                throw new FaceAttrException(file, "the tensor " + p.getKey() + " is " + (t == null ? "missing"
                        : "of shape " + Arrays.toString(t.shape())) + ", the net needs " + Arrays.toString(want), null);
            }
            Engines.load(p.getValue().getArray(), t.toFloatArray());
        }
    }

    /**
     * Writes a detector folder as a whole (a hidden folder renamed into place).
     *
     * @param folder the folder to create or replace
     * @param card the card's fields ({@code format}, {@code rfe} and {@code base} are set here)
     * @param rfe whether the nets include the receptive-field blocks
     * @param base the pretrained weights it started from
     * @param stages per stage, its parameters by name
     * @throws FaceAttrException when it cannot be written; an earlier folder is then unchanged
     */
    public static void write(Path folder, Map<String, Object> card, boolean rfe, String base,
            Map<String, List<Pair<String, Parameter>>> stages) throws FaceAttrException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("format", FORMAT);
        c.put("kind", "rfemtc");
        c.put("rfe", rfe);
        c.put("base", base);
        card.forEach((k, v) -> {
            if (!c.containsKey(k)) {
                c.put(k, v);
            }
        });
        String json = Json.write(Json.toTree(c));
        try {
            AtomicFiles.replaceDirectory(folder, tmp -> {
                for (String s : STAGES) {
                    Map<String, Tensor> tensors = new LinkedHashMap<>();
                    for (Pair<String, Parameter> p : stages.get(s)) {
                        tensors.put(p.getKey(), Tensor.f32(p.getValue().getArray().getShape().getShape(),
                                p.getValue().getArray().toFloatArray()));
                    }
                    try {
                        SafeTensorsWriter.write(tmp.resolve(s + ".safetensors"), tensors, Map.of("stage", s));
                    } catch (FaceAttrException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
                Files.writeString(tmp.resolve(CARD), json, StandardCharsets.UTF_8);
            });
        } catch (IOException e) {
            throw new FaceAttrException(folder, "cannot write the detector (" + e.getMessage() + ")", e);
        }
    }
}

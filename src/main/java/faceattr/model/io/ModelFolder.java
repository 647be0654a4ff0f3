package faceattr.model.io;

import faceattr.core.FaceAttrException;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.io.safetensors.SafeTensorsWriter;
import faceattr.io.safetensors.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A model on disk: a folder holding {@value #CARD_FILE} (the {@link ModelCard}) and
 * {@value #PARAMETERS_FILE} (every parameter by name as float32, in the safetensors format so it
 * opens with standard tools). The card records the parameters file's SHA-256, so a damaged or
 * partial copy is noticed before anything is loaded.
 *
 * <p>{@link #write} builds the folder under a temporary name beside the target and renames it
 * into place, so a crash or a full disk never leaves a half-written model under the target name.
 * {@link #read} checks the folder, the card, its format version and the hash, and returns the
 * card with the tensors; {@link #requireTensors} then checks the tensors against what the
 * architecture expects. Every failure is a {@link FaceAttrException} naming the file and what to do.
 */
public final class ModelFolder {
    /** The name of the model card in a model folder. */
    public static final String CARD_FILE = "model.json";
    /** The name of the parameters file in a model folder. */
    public static final String PARAMETERS_FILE = "parameters.safetensors";
    private static final String REINSTALL = "reinstall or re-export the model";

    private final Path dir;
    private final ModelCard card;
    private final Map<String, float[]> tensors;
    private final Map<String, long[]> shapes;

    private ModelFolder(Path dir, ModelCard card, Map<String, float[]> tensors, Map<String, long[]> shapes) {
        this.dir = dir;
        this.card = card;
        this.tensors = tensors;
        this.shapes = shapes;
    }

    /** @return the folder the model was read from */
    public Path dir() {
        return dir;
    }

    /** @return the model card */
    public ModelCard card() {
        return card;
    }

    /** @return the parameters file of this folder, for messages */
    public Path parametersFile() {
        return dir.resolve(PARAMETERS_FILE);
    }

    /** @return the tensor names, sorted (unmodifiable) */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /**
     * @param name a tensor name
     * @return a copy of its values, row-major, or null when there is no such tensor
     */
    public float[] tensor(String name) {
        float[] t = tensors.get(name);
        return t == null ? null : t.clone();
    }

    /**
     * @param name a tensor name
     * @return a copy of its shape, or null when there is no such tensor
     */
    public long[] shape(String name) {
        long[] s = shapes.get(name);
        return s == null ? null : s.clone();
    }

    /**
     * Checks the tensors against what the architecture expects, for the loader to call before it
     * copies anything into the network.
     *
     * @param expectedNames every parameter name the network has
     * @param expectedShapes the shape of each (names without an entry are not shape-checked)
     * @throws FaceAttrException naming the parameters file and the first missing, unexpected or
     *     wrong-shaped tensor (in name order), with a count of further problems
     */
    public void requireTensors(Set<String> expectedNames, Map<String, long[]> expectedShapes)
            throws FaceAttrException {
        TreeSet<String> missing = new TreeSet<>(expectedNames);
        missing.removeAll(tensors.keySet());
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        unexpected.removeAll(expectedNames);
        TreeMap<String, long[]> wrong = new TreeMap<>();
        for (Map.Entry<String, long[]> e : new TreeMap<>(expectedShapes).entrySet()) {
            long[] actual = shapes.get(e.getKey());
            if (actual != null && !Arrays.equals(actual, e.getValue())) {
                wrong.put(e.getKey(), e.getValue());
            }
        }
        int problems = missing.size() + unexpected.size() + wrong.size();
        if (problems == 0) {
            return;
        }
        String first;
        if (!missing.isEmpty()) {
            first = "the tensor '" + missing.first() + "' is missing";
        } else if (!unexpected.isEmpty()) {
            first = "the tensor '" + unexpected.first() + "' is not part of the architecture";
        } else {
            String n = wrong.firstKey();
            first = "the tensor '" + n + "' has shape " + Arrays.toString(shapes.get(n)) + ", the architecture needs "
                    + Arrays.toString(wrong.get(n));
        }
        String more = problems > 1 ? " (and " + (problems - 1) + " more problem" + (problems > 2 ? "s" : "") + ")" : "";
        throw new FaceAttrException(parametersFile(), first + more + "; the parameters do not belong to the "
                + "architecture in " + CARD_FILE + ": " + REINSTALL, null);
    }

    /**
     * Reads and verifies a model folder.
     *
     * @param dir the folder
     * @return the card and tensors
     * @throws FaceAttrException when the folder, card or parameters are missing, unreadable, of a
     *     newer format, or do not match; the message names the file and what to do
     */
    public static ModelFolder read(Path dir) throws FaceAttrException {
        Objects.requireNonNull(dir, "dir");
        if (!Files.exists(dir)) {
            throw new FaceAttrException(dir, "model folder not found; give the folder that holds " + CARD_FILE
                    + " and " + PARAMETERS_FILE, null);
        }
        if (!Files.isDirectory(dir)) {
            throw new FaceAttrException(dir, "is a file, not a model folder; give the folder that holds " + CARD_FILE
                    + " and " + PARAMETERS_FILE, null);
        }
        Path cardFile = dir.resolve(CARD_FILE);
        if (!Files.isRegularFile(cardFile)) {
            throw new FaceAttrException(cardFile, "the model card is missing, so this is not a Face Attributes model "
                    + "folder or the copy is incomplete; " + REINSTALL, null);
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(cardFile)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FaceAttrException(cardFile, "the model card is not UTF-8 text; the file is damaged: "
                    + REINSTALL, e);
        } catch (IOException e) {
            throw new FaceAttrException(cardFile, "cannot read the model card (" + e + "); check that it is readable",
                    e);
        }
        ModelCard card = ModelCard.fromJson(json, cardFile);

        Path params = dir.resolve(PARAMETERS_FILE);
        if (!Files.isRegularFile(params)) {
            throw new FaceAttrException(params, "the parameters file is missing; the copy is incomplete: "
                    + REINSTALL, null);
        }
        byte[] bytes;
        try {
            long size = Files.size(params);
            if (card.parametersBytes() >= 0 && size != card.parametersBytes()) {
                throw new FaceAttrException(params, "the parameters file has " + size + " bytes, its model card says "
                        + card.parametersBytes() + "; it does not match its model card (corrupt or partial copy): "
                        + REINSTALL, null);
            }
            bytes = Files.readAllBytes(params);
        } catch (IOException | OutOfMemoryError e) {
            throw new FaceAttrException(params, "cannot read the parameters file (" + e + "); check that it is "
                    + "readable and Java has enough memory", e);
        }
        if (!sha256(bytes).equals(card.parametersSha256())) {
            throw new FaceAttrException(params, "the parameters file does not match its model card (corrupt or "
                    + "partial copy); " + REINSTALL, null);
        }
        SafeTensorsFile file = SafeTensorsReader.parse(bytes, params);
        Map<String, float[]> tensors = new TreeMap<>();
        Map<String, long[]> shapes = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
            Tensor t = e.getValue();
            if (!t.isFloatingPoint()) {
                throw new FaceAttrException(params, "the tensor '" + e.getKey() + "' holds " + t.dtype()
                        + " integers; model parameters are floating point: " + REINSTALL, null);
            }
            tensors.put(e.getKey(), t.toFloatArray());
            shapes.put(e.getKey(), t.shape());
        }
        return new ModelFolder(dir, card, tensors, shapes);
    }

    /**
     * Writes a model folder atomically: everything is written and verified under a temporary
     * name beside {@code dir}, then renamed to {@code dir}. An existing {@code dir} is replaced
     * only when it is empty or holds nothing but a previous model's two files.
     *
     * @param dir the model folder to create or replace
     * @param card the card; its parameters hash and size are filled in
     * @param params every parameter by name, row-major float32
     * @param shapes the shape of each parameter (the same names)
     * @return the card as written, with the parameters hash and size
     * @throws FaceAttrException when the folder cannot be written or {@code dir} holds other files
     * @throws IllegalArgumentException when names or sizes of {@code params} and {@code shapes} disagree
     */
    public static ModelCard write(Path dir, ModelCard card, Map<String, float[]> params, Map<String, long[]> shapes)
            throws FaceAttrException {
        Objects.requireNonNull(card, "card");
        if (!params.keySet().equals(shapes.keySet())) {
            TreeSet<String> diff = new TreeSet<>(params.keySet());
            diff.addAll(shapes.keySet());
            diff.removeIf(n -> params.containsKey(n) && shapes.containsKey(n));
            throw new IllegalArgumentException("parameters and shapes name different tensors, e.g. '" + diff.first()
                    + "'");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : params.entrySet()) {
            try {
                tensors.put(e.getKey(), Tensor.f32(shapes.get(e.getKey()), e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new FaceAttrException(dir, "cannot write a model to the file-system root; choose a folder", null);
        }
        checkReplaceable(target);
        Path tmp = parent.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            Files.createDirectory(tmp);
            Path paramsFile = tmp.resolve(PARAMETERS_FILE);
            SafeTensorsWriter.write(paramsFile, tensors, Map.of("producer", ModelCard.softwareVersion(),
                    "model", card.name(), "card_format_version", Integer.toString(ModelCard.FORMAT_VERSION)));
            byte[] written = Files.readAllBytes(paramsFile);
            ModelCard done = card.withParameters(sha256(written), written.length);
            writeSynced(tmp.resolve(CARD_FILE), done.toJson().getBytes(StandardCharsets.UTF_8));
            read(tmp); // what was written must read back, before it replaces anything
            moveIntoPlace(tmp, target);
            return done;
        } catch (IOException e) {
            throw new FaceAttrException(dir, "cannot write the model (" + e + "); check that the folder is writable "
                    + "and the disk has room", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static void checkReplaceable(Path target) throws FaceAttrException {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new FaceAttrException(target, "exists and is a file; choose a new or empty folder for the model",
                    null);
        }
        try (Stream<Path> entries = Files.list(target)) {
            Path other = entries.filter(p -> {
                String n = p.getFileName().toString();
                return !(n.equals(CARD_FILE) || n.equals(PARAMETERS_FILE));
            }).findFirst().orElse(null);
            if (other != null) {
                throw new FaceAttrException(target, "exists and holds other files (e.g. " + other.getFileName()
                        + "), which replacing the model would delete; choose a new or empty folder", null);
            }
        } catch (IOException e) {
            throw new FaceAttrException(target, "cannot list the folder (" + e + "); check that it is readable", e);
        }
    }

    /** Renames tmp to target; an existing target is first renamed aside and removed only afterwards. */
    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        if (!Files.exists(target)) {
            atomicMove(tmp, target);
            return;
        }
        Path old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
        atomicMove(target, old);
        try {
            atomicMove(tmp, target);
        } catch (IOException e) {
            atomicMove(old, target); // put the previous model back
            throw e;
        }
        deleteQuietly(old);
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Same parent folder, so this only happens on unusual file systems; a plain rename is
            // still a single operation there.
            Files.move(from, to);
        }
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A leftover hidden temporary folder is harmless; the model itself is complete.
        }
    }

    /**
     * @param bytes data
     * @return its SHA-256 as lower-case hex
     */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

package faceattr.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.labels.LabelSpaces;
import faceattr.labels.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model folder: a round trip of card and parameters, atomic replacement, and each way a
 * folder can be broken, which must give a {@link FaceAttrException} naming the file and saying
 * what to do.
 */
class ModelFolderTest {
    @TempDir
    Path tmp;

    private static ModelCard card() {
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("backbone", "mobilenet_v3_large");
        arch.put("embed_dim", 256);
        arch.put("heads", 4);
        arch.put("dropout", 0.2f);
        arch.put("branch_points", new int[] {12, 15});
        arch.put("attention", Map.of("tokens", List.of("7x7", "pooled"), "bias", true));
        ModelCard.Builder b = ModelCard.builder().setName("faceattr-mtl-test").optCreated(Instant.parse(
                "2025-10-01T12:34:56.789Z")).optArchitecture(arch).setInput(224, 224,
                        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        for (Task t : Task.values()) {
            b.optLabelSpace(t.key(), t.space());
        }
        return b.optTrainingData(Map.of("utkface", Map.of("images", 23705, "split", "80/20 seed 1")))
                .optMetrics(Map.of("utkface_age_mae", 4.91, "fairface_race7_acc", 0.7312)).build();
    }

    private static Map<String, float[]> params() {
        Map<String, float[]> p = new LinkedHashMap<>();
        p.put("stem.conv.weight", new float[] {1, -2, 3.5f, 4, 5, 6, 7, 8});
        p.put("stem.bn.gamma", new float[] {1, 1});
        p.put("head.age.bias", new float[] {0.25f});
        return p;
    }

    private static Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("stem.conv.weight", new long[] {2, 1, 2, 2});
        s.put("stem.bn.gamma", new long[] {2});
        s.put("head.age.bias", new long[] {1});
        return s;
    }

    private Path written() throws FaceAttrException {
        Path dir = tmp.resolve("model");
        ModelFolder.write(dir, card(), params(), shapes());
        return dir;
    }

    private static FaceAttrException assertFails(Path dir, Path expectedFile, String... expectedText) {
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> ModelFolder.read(dir));
        assertEquals(expectedFile, e.file(), e.getMessage());
        assertTrue(e.getMessage().startsWith(expectedFile.toString()), e.getMessage());
        for (String t : expectedText) {
            assertTrue(e.getMessage().contains(t), "'" + t + "' not in: " + e.getMessage());
        }
        return e;
    }

    private static void rewriteCard(Path dir, String from, String to) throws Exception {
        Path f = dir.resolve(ModelFolder.CARD_FILE);
        String json = Files.readString(f);
        assertTrue(json.contains(from), from);
        Files.writeString(f, json.replace(from, to));
    }

    private List<String> siblings() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void roundTripKeepsTheCardAndEveryParameter() throws Exception {
        Path dir = tmp.resolve("model");
        ModelCard written = ModelFolder.write(dir, card(), params(), shapes());
        assertEquals(64, written.parametersSha256().length());
        ModelFolder m = ModelFolder.read(dir);
        assertEquals(written, m.card());
        assertEquals(card().toBuilder().build().architecture(), m.card().architecture());
        assertEquals(256L, m.card().architecture().get("embed_dim"), "integers come back as Long");
        assertEquals(0.2, m.card().architecture().get("dropout"), "floats come back as the Double of their text");
        assertEquals(List.of(12L, 15L), m.card().architecture().get("branch_points"));
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, m.card().mean(), 0f);
        assertEquals(LabelSpaces.RACE_FAIRFACE.classes(), m.card().labelSpace("race"));
        assertEquals(101, m.card().labelSpace("age").size());
        assertEquals(Set.of("head.age.bias", "stem.bn.gamma", "stem.conv.weight"), m.names());
        for (Map.Entry<String, float[]> e : params().entrySet()) {
            assertArrayEquals(e.getValue(), m.tensor(e.getKey()), 0f, e.getKey());
            assertArrayEquals(shapes().get(e.getKey()), m.shape(e.getKey()), e.getKey());
        }
        assertNull(m.tensor("nope"));
        m.requireTensors(params().keySet(), shapes());
        // The parameters are a plain safetensors file, inspectable with standard tools.
        assertEquals(3, SafeTensorsReader.read(dir.resolve(ModelFolder.PARAMETERS_FILE)).tensors().size());
        String json = Files.readString(dir.resolve(ModelFolder.CARD_FILE));
        assertTrue(json.contains("\"format_version\": 1"), json);
        assertTrue(json.contains("\"sha256\": \"" + written.parametersSha256() + "\""), json);
        assertEquals(List.of("model"), siblings(), "no temporary folder may be left behind");
        float[] t = m.tensor("stem.bn.gamma");
        t[0] = 9;
        assertEquals(1f, m.tensor("stem.bn.gamma")[0], "tensors are returned as copies");
    }

    @Test
    void writingReplacesAPreviousModelButNeverOtherFiles() throws Exception {
        Path dir = written();
        Map<String, float[]> p = params();
        p.put("head.age.bias", new float[] {-1});
        ModelFolder.write(dir, card(), p, shapes());
        assertArrayEquals(new float[] {-1}, ModelFolder.read(dir).tensor("head.age.bias"), 0f);
        assertEquals(List.of("model"), siblings());

        Files.writeString(dir.resolve("notes.txt"), "mine");
        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> ModelFolder.write(dir, card(), params(), shapes()));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
        assertArrayEquals(new float[] {-1}, ModelFolder.read(dir).tensor("head.age.bias"), 0f);

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        ModelFolder.write(empty, card(), params(), shapes());
        ModelFolder.read(empty);
    }

    @Test
    void aFailedWriteLeavesNothingHalfWritten() throws Exception {
        Path dir = written();
        Map<String, float[]> bad = new LinkedHashMap<>(params());
        Map<String, long[]> badShapes = new LinkedHashMap<>(shapes());
        bad.put(SafeTensorsFile.METADATA_KEY, new float[] {1}); // the safetensors writer refuses this name
        badShapes.put(SafeTensorsFile.METADATA_KEY, new long[] {1});
        assertThrows(IllegalArgumentException.class, () -> ModelFolder.write(dir, card(), bad, badShapes));
        assertArrayEquals(params().get("stem.conv.weight"), ModelFolder.read(dir).tensor("stem.conv.weight"), 0f,
                "the previous model must be untouched");
        Path fresh = tmp.resolve("fresh");
        assertThrows(IllegalArgumentException.class, () -> ModelFolder.write(fresh, card(), bad, badShapes));
        assertFalse(Files.exists(fresh));
        assertEquals(List.of("model"), siblings(), "no temporary folder may be left behind");
    }

    @Test
    void missingOrMisplacedFolderIsReported() throws Exception {
        Path none = tmp.resolve("none");
        assertFails(none, none, "not found", "model.json");
        Path file = Files.writeString(tmp.resolve("file.bin"), "x");
        assertFails(file, file, "not a model folder");
    }

    @Test
    void missingCardIsReported() throws Exception {
        Path dir = written();
        Files.delete(dir.resolve(ModelFolder.CARD_FILE));
        assertFails(dir, dir.resolve(ModelFolder.CARD_FILE), "model card is missing", "re-export");
    }

    @Test
    void corruptCardIsReported() throws Exception {
        Path dir = written();
        Path card = dir.resolve(ModelFolder.CARD_FILE);
        String json = Files.readString(card);
        Files.writeString(card, json.substring(0, json.length() / 2));
        assertFails(dir, card, "not valid JSON", "re-export");
        Files.write(card, new byte[] {'{', (byte) 0xff, '}'});
        assertFails(dir, card, "not UTF-8");
        Files.writeString(card, "[1, 2]");
        assertFails(dir, card, "not valid JSON");
    }

    @Test
    void incompleteCardIsReported() throws Exception {
        Path dir = written();
        rewriteCard(dir, "\"name\":", "\"nom\":");
        assertFails(dir, dir.resolve(ModelFolder.CARD_FILE), "'name' is missing", "re-export");
        Path dir2 = tmp.resolve("m2");
        ModelFolder.write(dir2, card(), params(), shapes());
        rewriteCard(dir2, "\"sha256\": \"", "\"sha256\": \"XYZ");
        assertFails(dir2, dir2.resolve(ModelFolder.CARD_FILE), "sha256");
        Path dir3 = tmp.resolve("m3");
        ModelFolder.write(dir3, card(), params(), shapes());
        rewriteCard(dir3, "\"format_version\": 1", "\"format_version\": \"one\"");
        assertFails(dir3, dir3.resolve(ModelFolder.CARD_FILE), "format_version", "not a Face Attributes model card");
    }

    @Test
    void futureFormatVersionIsReported() throws Exception {
        Path dir = written();
        rewriteCard(dir, "\"format_version\": 1", "\"format_version\": 2");
        assertFails(dir, dir.resolve(ModelFolder.CARD_FILE), "newer version", "format_version 2", "update the plugin");
    }

    @Test
    void missingParametersAreReported() throws Exception {
        Path dir = written();
        Files.delete(dir.resolve(ModelFolder.PARAMETERS_FILE));
        assertFails(dir, dir.resolve(ModelFolder.PARAMETERS_FILE), "missing", "re-export");
    }

    @Test
    void truncatedParametersAreReported() throws Exception {
        Path dir = written();
        Path p = dir.resolve(ModelFolder.PARAMETERS_FILE);
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - 5));
        assertFails(dir, p, "does not match its model card (corrupt or partial copy)", "re-export");
        // also without the size in the card, the hash catches it
        rewriteCard(dir, "\"bytes\": " + b.length, "\"bytes\": -1");
        assertFails(dir, p, "the parameters file does not match its model card (corrupt or partial copy); "
                + "reinstall or re-export the model");
    }

    @Test
    void oneFlippedByteIsReported() throws Exception {
        Path dir = written();
        Path p = dir.resolve(ModelFolder.PARAMETERS_FILE);
        byte[] b = Files.readAllBytes(p);
        b[b.length - 3] ^= 0x01; // inside the float data: still a valid safetensors file
        Files.write(p, b);
        SafeTensorsReader.read(p);
        assertFails(dir, p, "the parameters file does not match its model card (corrupt or partial copy); "
                + "reinstall or re-export the model");
    }

    @Test
    void tensorsNotMatchingTheArchitectureAreReportedByName() throws Exception {
        ModelFolder m = ModelFolder.read(written());
        Path p = m.parametersFile();
        Map<String, long[]> wrongShape = new LinkedHashMap<>(shapes());
        wrongShape.put("stem.conv.weight", new long[] {2, 2, 2, 1});
        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> m.requireTensors(params().keySet(), wrongShape));
        assertEquals(p, e.file());
        assertTrue(e.getMessage().contains("'stem.conv.weight' has shape [2, 1, 2, 2], the architecture needs "
                + "[2, 2, 2, 1]"), e.getMessage());
        assertTrue(e.getMessage().contains("re-export"), e.getMessage());

        Set<String> more = new java.util.TreeSet<>(params().keySet());
        more.add("head.emotion.weight");
        e = assertThrows(FaceAttrException.class, () -> m.requireTensors(more, shapes()));
        assertTrue(e.getMessage().contains("'head.emotion.weight' is missing"), e.getMessage());

        Set<String> fewer = Set.of("stem.conv.weight", "stem.bn.gamma");
        e = assertThrows(FaceAttrException.class, () -> m.requireTensors(fewer, Map.of()));
        assertTrue(e.getMessage().contains("'head.age.bias' is not part of the architecture"), e.getMessage());

        Set<String> both = new java.util.TreeSet<>(fewer);
        both.add("a.missing");
        e = assertThrows(FaceAttrException.class, () -> m.requireTensors(both, wrongShape));
        assertTrue(e.getMessage().contains("'a.missing' is missing (and 2 more problems)"), e.getMessage());
    }

    @Test
    void writeAndCardValidateTheirInputs() {
        Map<String, long[]> s = new LinkedHashMap<>(shapes());
        s.remove("stem.bn.gamma");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFolder.write(tmp.resolve("x"), card(), params(), s));
        assertTrue(e.getMessage().contains("stem.bn.gamma"), e.getMessage());
        Map<String, long[]> s2 = new LinkedHashMap<>(shapes());
        s2.put("stem.bn.gamma", new long[] {3});
        e = assertThrows(IllegalArgumentException.class, () -> ModelFolder.write(tmp.resolve("x"), card(), params(),
                s2));
        assertTrue(e.getMessage().contains("stem.bn.gamma"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> card().toBuilder().optMetrics(Map.of("mae", Double.NaN)).build());
        assertThrows(IllegalArgumentException.class,
                () -> card().toBuilder().optArchitecture(Map.of("x", new Object())).build());
        assertThrows(IllegalStateException.class, () -> ModelCard.builder().setName("n").build());
        assertThrows(IllegalArgumentException.class, () -> ModelCard.builder().setInput(224, 224, new float[3],
                new float[] {1, 0, 1}));
        assertThrows(UnsupportedOperationException.class, () -> card().metrics().put("x", 1));
    }

    @Test
    void cardJsonIsStableAndReadable() throws Exception {
        ModelCard c = card().withParameters("0".repeat(64), 123);
        String json = c.toJson();
        assertEquals(c, ModelCard.fromJson(json, Path.of("model.json")));
        assertEquals(json, ModelCard.fromJson(json, Path.of("model.json")).toJson());
        assertTrue(json.contains("\"more than 70\""), json);
        assertTrue(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).startsWith("{"));
    }
}

package faceattr.io.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfjsWeightsTest {
    /** Two shards: a uint8-quantised [2, 3] tensor and a float32 [3] bias split across them. */
    private static final String MANIFEST = "[{\"paths\": [\"m.bin\", \"m2.bin\"], \"weights\": ["
            + "{\"name\": \"conv/filters\", \"shape\": [2, 3], \"dtype\": \"float32\","
            + " \"quantization\": {\"dtype\": \"uint8\", \"scale\": 0.5, \"min\": -1.25}},"
            + "{\"name\": \"conv/bias\", \"shape\": [3], \"dtype\": \"float32\"}]},"
            + "{\"paths\": [\"h.bin\"], \"weights\": ["
            + "{\"name\": \"half\", \"shape\": [2], \"dtype\": \"float32\", \"quantization\": {\"dtype\": \"float16\"}},"
            + "{\"name\": \"wide\", \"shape\": [1], \"dtype\": \"float32\","
            + " \"quantization\": {\"dtype\": \"uint16\", \"scale\": 0.001, \"min\": 2}}]}]";

    private static byte[][] shards() {
        ByteBuffer a = ByteBuffer.allocate(6 + 12).order(ByteOrder.LITTLE_ENDIAN);
        a.put(new byte[] {0, 1, 2, 3, (byte) 200, (byte) 255});
        a.putFloat(0.25f).putFloat(-3f).putFloat(1e-3f);
        byte[] all = a.array();
        byte[] first = java.util.Arrays.copyOfRange(all, 0, 10);
        byte[] second = java.util.Arrays.copyOfRange(all, 10, all.length);
        ByteBuffer h = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) 0x3c00).putShort((short) 0xc100).putShort((short) 1000); // 1.0, -2.5, then 2 + 1.0
        return new byte[][] {first, second, h.array()};
    }

    private static TfjsWeights parse(String manifest, byte[][] s) throws FaceAttrException {
        Map<String, byte[]> files = Map.of("m.bin", s[0], "m2.bin", s[1], "h.bin", s[2]);
        return TfjsWeights.parse(manifest.getBytes(StandardCharsets.UTF_8), "test-manifest.json",
                p -> files.containsKey(p) ? new ByteArrayInputStream(files.get(p)) : null);
    }

    @Test
    void dequantisesAndReadsAcrossShards() throws Exception {
        TfjsWeights w = parse(MANIFEST, shards());
        TfjsWeights.Tensor f = w.get("conv/filters", 2, 3);
        assertArrayEquals(new float[] {-1.25f, -0.75f, -0.25f, 0.25f, 98.75f, 126.25f}, f.data(), 0f);
        assertArrayEquals(new float[] {0.25f, -3f, 1e-3f}, w.get("conv/bias", 3).data(), 0f);
        assertArrayEquals(new float[] {1f, -2.5f}, w.get("half", 2).data(), 0f);
        assertEquals(3.0f, w.get("wide", 1).data()[0], 1e-6f);
        assertEquals(java.util.List.of("conv/filters", "conv/bias", "half", "wide"),
                java.util.List.copyOf(w.tensors().keySet()));
    }

    @Test
    void rejectsTruncatedMissingAndForeignShards() {
        byte[][] s = shards();
        byte[][] truncated = {s[0], java.util.Arrays.copyOf(s[1], 5), s[2]};
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> parse(MANIFEST, truncated));
        assertTrue(e.getMessage().contains("conv/bias") && e.getMessage().contains("truncated"), e.getMessage());
        byte[][] longer = {s[0], java.util.Arrays.copyOf(s[1], s[1].length + 4), s[2]};
        e = assertThrows(FaceAttrException.class, () -> parse(MANIFEST, longer));
        assertTrue(e.getMessage().contains("left over"), e.getMessage());
        e = assertThrows(FaceAttrException.class, () -> parse(MANIFEST.replace("h.bin", "gone.bin"), s));
        assertTrue(e.getMessage().contains("gone.bin") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void rejectsMalformedManifests() {
        byte[][] s = shards();
        for (String bad : new String[] {"{not json", "{\"a\": 1}", "[{\"paths\": 3}]",
            MANIFEST.replace("\"uint8\"", "\"int4\""), MANIFEST.replace("[2, 3]", "[2, -3]")}) {
            FaceAttrException e = assertThrows(FaceAttrException.class, () -> parse(bad, s), bad);
            assertTrue(e.getMessage().startsWith("test-manifest.json: "), e.getMessage());
        }
    }

    @Test
    void namesAWrongShapeOrMissingTensor() throws Exception {
        TfjsWeights w = parse(MANIFEST, shards());
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> w.get("conv/filters", 3, 2));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(FaceAttrException.class, () -> w.get("fc/weights", 1));
        assertTrue(e.getMessage().contains("fc/weights"), e.getMessage());
    }

    @Test
    void readsFromFilesBesideTheManifest(@TempDir Path dir) throws Exception {
        byte[][] s = shards();
        Files.writeString(dir.resolve("model-weights_manifest.json"), MANIFEST);
        Files.write(dir.resolve("m.bin"), s[0]);
        Files.write(dir.resolve("m2.bin"), s[1]);
        Files.write(dir.resolve("h.bin"), s[2]);
        TfjsWeights w = TfjsWeights.read(dir.resolve("model-weights_manifest.json"));
        assertEquals(4, w.tensors().size());
        Files.delete(dir.resolve("h.bin"));
        assertThrows(FaceAttrException.class, () -> TfjsWeights.read(dir.resolve("model-weights_manifest.json")));
    }

    @Test
    void readsTheBundledFaceApiModels() throws Exception {
        TfjsWeights ag = TfjsWeights.readResource(TfjsWeights.class,
                "/faceattr/weights/faceapi/age_gender_model-weights_manifest.json");
        long params = ag.tensors().values().stream().mapToLong(TfjsWeights.Tensor::size).sum();
        assertEquals(421_731, params); // weights.md: TinyXception, 421,731 parameters
        TfjsWeights ex = TfjsWeights.readResource(TfjsWeights.class,
                "/faceattr/weights/faceapi/face_expression_model-weights_manifest.json");
        assertEquals(7, ex.get("fc/bias", 7).size());
    }
}

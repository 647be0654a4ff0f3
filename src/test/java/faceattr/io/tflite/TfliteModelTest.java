package faceattr.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import faceattr.core.FaceAttrException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TFLite reader on the three real MTCNN files (graph and weight shapes as the MTCNN paper
 * and docs/facts.md describe them) and on damaged files, which must fail with a
 * {@link FaceAttrException} naming the file and never with another exception.
 */
class TfliteModelTest {
    private static final String DIR = "/faceattr/weights/mtcnn/";
    private static final List<String> PRELU = List.of("RELU", "NEG", "RELU", "NEG", "MUL", "ADD");
    private static final List<String> SOFTMAX = List.of("REDUCE_MAX", "SUB", "EXP", "SUM", "DIV");

    @TempDir
    Path tmp;

    private static TfliteModel model(String file) throws FaceAttrException {
        return TfliteModel.readResource(TfliteModelTest.class, DIR + file);
    }

    private static byte[] bytes(String file) throws IOException {
        try (InputStream in = TfliteModelTest.class.getResourceAsStream(DIR + file)) {
            assertNotNull(in, file + " is not on the class path");
            return in.readAllBytes();
        }
    }

    private static List<String> ops(TfliteModel m) {
        List<String> out = new ArrayList<>();
        for (TfliteOperator op : m.operators()) {
            out.add(op.op());
        }
        return out;
    }

    /** Builds the expected op list: "C" conv + PReLU, "P" pool, "F" fully connected + PReLU, heads. */
    private static List<String> expectedOps(String layers, int convHeads, int fcHeads) {
        List<String> out = new ArrayList<>();
        for (char c : layers.toCharArray()) {
            switch (c) {
                case 'C' -> {
                    out.add("CONV_2D");
                    out.addAll(PRELU);
                }
                case 'P' -> out.add("MAX_POOL_2D");
                case 'F' -> {
                    out.add("FULLY_CONNECTED");
                    out.addAll(PRELU);
                }
                default -> throw new IllegalArgumentException(String.valueOf(c));
            }
        }
        for (int i = 0; i < convHeads; i++) {
            out.add("CONV_2D");
        }
        for (int i = 0; i < fcHeads; i++) {
            out.add("FULLY_CONNECTED");
        }
        out.addAll(SOFTMAX);
        return out;
    }

    private static List<int[]> weightShapes(TfliteModel m, String op) {
        List<int[]> out = new ArrayList<>();
        for (TfliteOperator o : m.operators()) {
            if (o.op().equals(op)) {
                TfliteTensor w = m.tensors().get(o.inputs()[1]);
                TfliteTensor b = m.tensors().get(o.inputs()[2]);
                assertTrue(w.isConstant() && b.isConstant(), o + " has non-constant weights");
                assertEquals(w.shape()[0], b.shape()[0], o + ": bias does not match the filters");
                assertEquals(w.elementCount(), w.data().length);
                out.add(w.shape());
            }
        }
        return out;
    }

    private static void assertShapes(List<int[]> expected, List<int[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "weight " + i + ": " + Arrays.toString(actual.get(i)));
        }
    }

    private static List<Integer> preluWidths(TfliteModel m) {
        List<Integer> out = new ArrayList<>();
        for (TfliteOperator o : m.operators()) {
            if (o.op().equals("MUL")) {
                for (int in : o.inputs()) {
                    TfliteTensor t = m.tensors().get(in);
                    if (t.isConstant()) {
                        assertTrue(t.name().toLowerCase().contains("prelu") && t.name().contains("alpha"), t.name());
                        out.add(t.data().length);
                    }
                }
            }
        }
        return out;
    }

    private static List<Integer> outputWidths(TfliteModel m) {
        List<Integer> out = new ArrayList<>();
        for (int o : m.outputs()) {
            int[] s = m.tensors().get(o).shape();
            out.add(s[s.length - 1]);
        }
        return out;
    }

    private static void assertPool(TfliteOperator op, int k, int stride, String padding) {
        assertEquals("MAX_POOL_2D", op.op());
        assertEquals(k, op.intOption("filter_h", -1), op.toString());
        assertEquals(k, op.intOption("filter_w", -1), op.toString());
        assertEquals(stride, op.intOption("stride_h", -1), op.toString());
        assertEquals(stride, op.intOption("stride_w", -1), op.toString());
        assertEquals(padding, op.stringOption("padding", null), op.toString());
    }

    private static List<TfliteOperator> pools(TfliteModel m) {
        return m.operators().stream().filter(o -> o.op().equals("MAX_POOL_2D")).toList();
    }

    private static void assertWeightsAreReal(TfliteModel m) {
        for (TfliteTensor t : m.tensors()) {
            if (t.data() != null) {
                assertEquals(TfliteTensor.FLOAT32, t.type(), t.toString());
                boolean nonZero = false;
                for (float f : t.data()) {
                    assertTrue(Float.isFinite(f), t + " holds " + f);
                    nonZero |= f != 0;
                }
                assertTrue(nonZero, t + " is all zero");
            }
        }
    }

    /** The softmax sums and maxes over the last (class) axis, keeping it. */
    private static void assertSoftmaxOverLastAxis(TfliteModel m) {
        for (TfliteOperator o : m.operators()) {
            if (o.op().equals("REDUCE_MAX") || o.op().equals("SUM")) {
                int[] axes = m.tensors().get(o.inputs()[1]).intData();
                int rank = m.tensors().get(o.inputs()[0]).shape().length;
                assertNotNull(axes, o.toString());
                assertEquals(1, axes.length, o.toString());
                assertEquals(rank - 1, Math.floorMod(axes[0], rank), o.toString());
                assertEquals(Boolean.TRUE, o.options().get("keep_dims"), o.toString());
            }
        }
    }

    @Test
    void pnetGraphAndWeights() throws FaceAttrException {
        TfliteModel m = model("pnet.tflite");
        assertEquals(expectedOps("CPCC", 2, 0), ops(m));
        assertShapes(List.of(new int[] {10, 3, 3, 3}, new int[] {16, 3, 3, 10}, new int[] {32, 3, 3, 16},
                new int[] {2, 1, 1, 32}, new int[] {4, 1, 1, 32}), weightShapes(m, "CONV_2D"));
        assertEquals(List.of(10, 16, 32), preluWidths(m));
        assertPool(pools(m).get(0), 2, 2, "SAME");
        assertArrayEquals(new int[] {1, 1280, 960, 3}, m.tensors().get(m.inputs()[0]).shape());
        assertEquals(List.of(2, 4), outputWidths(m));
        for (TfliteOperator o : m.operators()) {
            if (o.op().equals("CONV_2D")) {
                assertEquals(1, o.intOption("stride_h", -1));
                assertEquals(1, o.intOption("stride_w", -1));
                assertEquals("NONE", o.stringOption("activation", null));
            }
        }
        assertSoftmaxOverLastAxis(m);
        assertWeightsAreReal(m);
        assertTrue(m.source().endsWith("pnet.tflite"));
    }

    @Test
    void rnetGraphAndWeights() throws FaceAttrException {
        TfliteModel m = model("rnet.tflite");
        assertEquals(expectedOps("CPCPCF", 0, 2), ops(m));
        assertShapes(List.of(new int[] {28, 3, 3, 3}, new int[] {48, 3, 3, 28}, new int[] {64, 2, 2, 48}),
                weightShapes(m, "CONV_2D"));
        // The FC layer sees the 3x3x64 map flattened: 576 inputs.
        assertShapes(List.of(new int[] {128, 576}, new int[] {2, 128}, new int[] {4, 128}),
                weightShapes(m, "FULLY_CONNECTED"));
        assertEquals(List.of(28, 48, 64, 128), preluWidths(m));
        List<TfliteOperator> pools = pools(m);
        assertEquals(2, pools.size());
        assertPool(pools.get(0), 3, 2, "SAME");
        assertPool(pools.get(1), 3, 2, "VALID");
        assertArrayEquals(new int[] {1, 24, 24, 3}, m.tensors().get(m.inputs()[0]).shape());
        assertEquals(List.of(2, 4), outputWidths(m));
        assertSoftmaxOverLastAxis(m);
        assertWeightsAreReal(m);
    }

    @Test
    void onetGraphAndWeights() throws FaceAttrException {
        TfliteModel m = model("onet.tflite");
        assertEquals(expectedOps("CPCPCPCF", 0, 3), ops(m));
        assertEquals(4, ops(m).stream().filter("FULLY_CONNECTED"::equals).count());
        assertShapes(List.of(new int[] {32, 3, 3, 3}, new int[] {64, 3, 3, 32}, new int[] {64, 3, 3, 64},
                new int[] {128, 2, 2, 64}), weightShapes(m, "CONV_2D"));
        assertShapes(List.of(new int[] {256, 1152}, new int[] {2, 256}, new int[] {4, 256}, new int[] {10, 256}),
                weightShapes(m, "FULLY_CONNECTED"));
        assertEquals(List.of(32, 64, 64, 128, 256), preluWidths(m));
        List<TfliteOperator> pools = pools(m);
        assertEquals(3, pools.size());
        assertPool(pools.get(0), 3, 2, "SAME");
        assertPool(pools.get(1), 3, 2, "VALID");
        assertPool(pools.get(2), 2, 2, "SAME");
        assertArrayEquals(new int[] {1, 48, 48, 3}, m.tensors().get(m.inputs()[0]).shape());
        assertEquals(List.of(2, 4, 10), outputWidths(m));
        assertSoftmaxOverLastAxis(m);
        assertWeightsAreReal(m);
    }

    @Test
    void tensorLookupByName() throws FaceAttrException {
        TfliteModel m = model("pnet.tflite");
        assertArrayEquals(new int[] {10, 3, 3, 3}, m.tensor("pnet/conv1/weights/read").shape());
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> m.tensor("no/such/tensor"));
        assertTrue(e.getMessage().contains("pnet.tflite") && e.getMessage().contains("no/such/tensor"),
                e.getMessage());
    }

    @Test
    void fileAndResourceGiveTheSameModel() throws Exception {
        Path f = tmp.resolve("rnet.tflite");
        Files.write(f, bytes("rnet.tflite"));
        TfliteModel a = TfliteModel.read(f);
        TfliteModel b = model("rnet.tflite");
        assertEquals(ops(b), ops(a));
        assertEquals(b.tensors().size(), a.tensors().size());
        for (int i = 0; i < a.tensors().size(); i++) {
            assertEquals(b.tensors().get(i).name(), a.tensors().get(i).name());
            assertArrayEquals(b.tensors().get(i).data(), a.tensors().get(i).data());
        }
        assertEquals(f.toString(), a.source());
    }

    // ---------------------------------------------------------------- damaged files

    private FaceAttrException assertRejected(String name, byte[] content) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, content);
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> TfliteModel.read(f));
        assertTrue(e.getMessage().contains(name), "message does not name the file: " + e.getMessage());
        return e;
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        byte[] all = bytes("pnet.tflite");
        assertRejected("pnet-half.tflite", Arrays.copyOf(all, all.length / 2));
        assertRejected("pnet-head.tflite", Arrays.copyOf(all, 64));
        assertRejected("pnet-tail.tflite", Arrays.copyOf(all, all.length - 600)); // cuts the operator tables
        assertRejected("pnet-7.tflite", Arrays.copyOf(all, 7));
    }

    /**
     * Cuts the file at every length. FlatBuffers carry no total size, and the converter left a few
     * unreferenced bytes at the end of pnet.tflite, so a cut there can still parse: then the model
     * must be exactly the original one. Every other cut must fail cleanly.
     */
    @Test
    void everyTruncationFailsCleanlyOrLosesNothing() throws Exception {
        byte[] all = bytes("pnet.tflite");
        TfliteModel full = TfliteModel.parse(all, "pnet.tflite");
        int parsed = 0;
        for (int len = 0; len < all.length; len += len < 64 || len > all.length - 1024 ? 1 : 13) {
            byte[] cut = Arrays.copyOf(all, len);
            if (parsesOrFailsCleanly(cut, "truncation to " + len + " bytes")) {
                parsed++;
                TfliteModel m = TfliteModel.parse(cut, "cut");
                assertEquals(ops(full), ops(m), "cut at " + len);
                assertEquals(full.tensors().size(), m.tensors().size(), "cut at " + len);
                for (int i = 0; i < m.tensors().size(); i++) {
                    assertArrayEquals(full.tensors().get(i).shape(), m.tensors().get(i).shape(), "cut at " + len);
                    assertArrayEquals(full.tensors().get(i).data(), m.tensors().get(i).data(), "cut at " + len);
                }
            }
        }
        assertTrue(parsed < 16, parsed + " truncations parse: the reader ignores missing data");
    }

    @Test
    void wrongIdentifierIsRejected() throws IOException {
        byte[] all = bytes("pnet.tflite");
        assertEquals("TFL3", new String(all, 4, 4, StandardCharsets.US_ASCII));
        all[7] = '2';
        FaceAttrException e = assertRejected("pnet-tfl2.tflite", all);
        assertTrue(e.getMessage().contains("TFL3"), e.getMessage());
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        assertRejected("empty.tflite", new byte[0]);
    }

    @Test
    void randomBytesAreRejected() throws IOException {
        Random r = new Random(5);
        byte[] noise = new byte[4096];
        r.nextBytes(noise);
        assertRejected("noise.tflite", noise);
        // Noise behind a valid identifier gets past the first check and must still fail cleanly.
        r.nextBytes(noise);
        System.arraycopy("TFL3".getBytes(StandardCharsets.US_ASCII), 0, noise, 4, 4);
        assertRejected("noise-tfl3.tflite", noise);
    }

    @Test
    void missingFileAndResourceAreRejected() {
        Path f = tmp.resolve("absent.tflite");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> TfliteModel.read(f));
        assertTrue(e.getMessage().contains("absent.tflite"), e.getMessage());
        FaceAttrException r = assertThrows(FaceAttrException.class,
                () -> TfliteModel.readResource(TfliteModelTest.class, DIR + "absent.tflite"));
        assertTrue(r.getMessage().contains("absent.tflite"), r.getMessage());
    }

    /** Parses, accepting a model or a FaceAttrException that names the source; fails on anything else. */
    private static boolean parsesOrFailsCleanly(byte[] content, String what) {
        String name = "fuzzed-pnet.tflite";
        try {
            TfliteModel m = TfliteModel.parse(content, name);
            assertNotNull(m);
            return true;
        } catch (FaceAttrException e) {
            assertTrue(e.getMessage().contains(name), what + ": message does not name the file: " + e.getMessage());
            return false;
        } catch (Throwable t) {
            fail(what + " threw " + t, t);
            return false;
        }
    }

    @Test
    void fuzzedPnetOnlyEverGivesAModelOrFaceAttrException() throws IOException {
        byte[] original = bytes("pnet.tflite");
        Random r = new Random(20251129);
        int parsed = 0;
        for (int i = 0; i < 200; i++) {
            byte[] b;
            String what;
            switch (i % 4) {
                case 0 -> {
                    int len = r.nextInt(original.length);
                    b = Arrays.copyOf(original, len);
                    what = "truncation to " + len + " bytes";
                }
                case 1 -> {
                    b = original.clone();
                    int bit = r.nextInt(8 * b.length);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                    what = "flip of bit " + bit;
                }
                case 2 -> {
                    // Several flips in the first 2 KB, where the tables, vtables and offsets are.
                    b = original.clone();
                    StringBuilder s = new StringBuilder("flips of bits");
                    for (int k = 0; k < 4; k++) {
                        int bit = r.nextInt(8 * Math.min(2048, b.length));
                        b[bit / 8] ^= (byte) (1 << (bit % 8));
                        s.append(' ').append(bit);
                    }
                    what = s.toString();
                }
                default -> {
                    b = original.clone();
                    int at = r.nextInt(b.length - 4) & ~3;
                    int v = r.nextBoolean() ? r.nextInt() : r.nextInt(64) - 32;
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
                    what = "int " + v + " written at " + at;
                }
            }
            if (parsesOrFailsCleanly(b, "mutation " + i + " (" + what + ")")) {
                parsed++;
            }
        }
        System.out.println("fuzz: " + parsed + " of 200 mutations still parse, the rest were rejected");
    }

    /**
     * Every 32-bit word of the file that looks like an offset or a length (a value inside the
     * file) is replaced by extreme values: negative, huge, zero, off by one.
     */
    @Test
    void corruptedOffsetsAndLengthsFailCleanly() throws IOException {
        byte[] original = bytes("pnet.tflite");
        ByteBuffer view = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
        int words = 0;
        for (int at = 0; at + 4 <= original.length; at += 4) {
            int v = view.getInt(at);
            if (v <= 0 || v >= original.length) {
                continue;
            }
            words++;
            for (int bad : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x10000000, 0, v + 1}) {
                byte[] b = original.clone();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, bad);
                parsesOrFailsCleanly(b, "word at " + at + " (" + v + ") set to " + bad);
            }
            // 16-bit vtable entries.
            byte[] b = original.clone();
            b[at] = (byte) 0xff;
            b[at + 1] = (byte) 0xff;
            parsesOrFailsCleanly(b, "short at " + at + " set to 0xffff");
        }
        assertTrue(words > 50, "found only " + words + " offset-like words");
    }

    @Test
    void uncorruptedBytesStillParseAfterTheChecks() throws Exception {
        // Guards the fuzz tests against a reader that rejects everything.
        TfliteModel m = TfliteModel.parse(bytes("pnet.tflite"), "pnet.tflite");
        assertEquals(expectedOps("CPCC", 2, 0).size(), m.operators().size());
        assertNull(m.tensors().get(m.inputs()[0]).data(), "the input is not a constant");
    }
}

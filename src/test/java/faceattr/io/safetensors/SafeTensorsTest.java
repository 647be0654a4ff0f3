package faceattr.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import faceattr.core.FaceAttrException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors reader and writer: round trips, files built by hand from the format's
 * description (so the reader is not only checked against our own writer), the conversions of
 * F16/BF16/F64 on hand values, and damaged files, which must all fail with a
 * {@link FaceAttrException} naming the file and never with another exception.
 */
class SafeTensorsTest {
    private static final Path FILE = Path.of("some", "weights.safetensors");

    @TempDir
    Path tmp;

    /** Builds a file from a header text and a data buffer, exactly as the format describes. */
    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
                .put(data).array();
    }

    private static byte[] le(int bytesPerValue, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytesPerValue * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesPerValue) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("head.weight", Tensor.f32(new long[] {2, 3}, new float[] {1, -2.5f, 3e-8f, Float.MAX_VALUE, -0f, 7}));
        t.put("head.bias", Tensor.f32(new long[] {3}, new float[] {0.1f, Float.NaN, Float.NEGATIVE_INFINITY}));
        t.put("scale", Tensor.f32(new long[] {}, new float[] {42}));
        t.put("empty", Tensor.f32(new long[] {0, 4}, new float[0]));
        t.put("bn.num_batches_tracked", Tensor.i64(new long[] {}, new long[] {1234567890123L}));
        t.put("ids", Tensor.i64(new long[] {3}, new long[] {-1, 0, Long.MAX_VALUE}));
        return t;
    }

    private static void assertSameTensors(Map<String, Tensor> expected, SafeTensorsFile actual) {
        assertEquals(expected.keySet(), actual.tensors().keySet());
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor a = actual.tensor(e.getKey());
            assertArrayEquals(e.getValue().shape(), a.shape(), e.getKey());
            assertEquals(e.getValue().dtype(), a.dtype(), e.getKey());
            if (e.getValue().isFloatingPoint()) {
                float[] x = e.getValue().toFloatArray();
                float[] y = a.toFloatArray();
                assertEquals(x.length, y.length);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), e.getKey() + "[" + i + "]");
                }
            } else {
                assertArrayEquals(e.getValue().toLongArray(), a.toLongArray(), e.getKey());
            }
        }
    }

    private static FaceAttrException assertRejected(byte[] bytes, String why) {
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> SafeTensorsReader.parse(bytes, FILE), why);
        assertEquals(FILE, e.file(), why);
        assertTrue(e.getMessage().startsWith(FILE.toString()), why + ": " + e.getMessage());
        return e;
    }

    private static void assertRejected(String header, byte[] data, String why, String expectedText) {
        FaceAttrException e = assertRejected(file(header, data), why);
        assertTrue(e.getMessage().contains(expectedText), why + ": " + e.getMessage());
    }

    @Test
    void roundTripKeepsEveryBitAndTheMetadata() throws Exception {
        Map<String, Tensor> tensors = sample();
        Map<String, String> meta = Map.of("format", "pt", "note", "ünïcödé ✓ \"quoted\"");
        Path f = tmp.resolve("a.safetensors");
        SafeTensorsWriter.write(f, tensors, meta);
        SafeTensorsFile back = SafeTensorsReader.read(f);
        assertSameTensors(tensors, back);
        assertEquals(meta, back.metadata());
        assertEquals(f, back.file());
        byte[] bytes = Files.readAllBytes(f);
        assertArrayEquals(SafeTensorsWriter.toBytes(tensors, meta), bytes, "file and in-memory writer differ");
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data must start 8-byte aligned");
        // Names are sorted and the data follow in that order.
        assertEquals(List.of("bn.num_batches_tracked", "empty", "head.bias", "head.weight", "ids", "scale"),
                List.copyOf(back.names()));
        assertThrows(UnsupportedOperationException.class, () -> back.tensors().remove("ids"));
    }

    @Test
    void tensorsLargerThanTheWriteChunkCrossItsBoundariesIntact() throws Exception {
        // 1 MiB chunks: 300,001 floats (not a whole number of chunks) then longs that straddle a boundary.
        Random rnd = new Random(7);
        float[] big = new float[300_001];
        for (int i = 0; i < big.length; i++) {
            big[i] = rnd.nextFloat() - 0.5f;
        }
        long[] ids = new long[70_001];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextLong();
        }
        Map<String, Tensor> t = Map.of("a.big", Tensor.f32(new long[] {big.length}, big),
                "b.ids", Tensor.i64(new long[] {ids.length}, ids));
        Path f = tmp.resolve("big.safetensors");
        SafeTensorsWriter.write(f, t, Map.of());
        byte[] bytes = Files.readAllBytes(f);
        assertArrayEquals(SafeTensorsWriter.toBytes(t, Map.of()), bytes);
        assertSameTensors(t, SafeTensorsReader.parse(bytes, f));
    }

    @Test
    void writerProducesTheSpecifiedBytes() {
        Map<String, Tensor> t = Map.of("x", Tensor.f32(new long[] {2}, new float[] {1f, -2f}));
        byte[] bytes = SafeTensorsWriter.toBytes(t, Map.of("k", "v"));
        String json = "{\"__metadata__\":{\"k\":\"v\"},\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(padded, b.getLong());
        byte[] header = new byte[padded];
        b.get(header);
        assertEquals(json, new String(header, StandardCharsets.UTF_8).stripTrailing());
        assertEquals(1f, b.getFloat());
        assertEquals(-2f, b.getFloat());
        assertFalse(b.hasRemaining());
    }

    @Test
    void readsAHandBuiltFileOfEveryIntegerDtype() throws Exception {
        String h = "{\"a\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[8,10]},"
                + "\"c\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[10,12]},"
                + "\"d\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[12,14]},"
                + "\"e\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[14,16]},"
                + "\"f\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[16,18]},"
                + "\"g\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[18,22]},"
                + "\"__metadata__\":{}}    ";
        ByteBuffer d = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        d.putInt(-7).putInt(70000).put((byte) 200).put((byte) 3).put((byte) -5).put((byte) 127).put((byte) 1)
                .put((byte) 0).putShort((short) -300).putShort((short) 0xfffe).putInt(0xffffffff);
        SafeTensorsFile f = SafeTensorsReader.parse(file(h, d.array()), FILE);
        assertArrayEquals(new long[] {-7, 70000}, f.tensor("a").toLongArray());
        assertArrayEquals(new long[] {200, 3}, f.tensor("b").toLongArray());
        assertArrayEquals(new long[] {-5, 127}, f.tensor("c").toLongArray());
        assertArrayEquals(new long[] {1, 0}, f.tensor("d").toLongArray());
        assertArrayEquals(new long[] {-300}, f.tensor("e").toLongArray());
        assertArrayEquals(new long[] {65534}, f.tensor("f").toLongArray());
        assertArrayEquals(new long[] {4294967295L}, f.tensor("g").toLongArray());
        assertEquals(Dtype.U32, f.tensor("g").dtype());
        assertTrue(f.metadata().isEmpty());
        assertThrows(IllegalStateException.class, () -> f.tensor("a").toFloatArray());
    }

    @Test
    void decodesHalfBfloatAndDoubleToFloatOnHandValues() throws Exception {
        // F16: 1, -2, 65504 (max), 2^-24 (min subnormal), 1023*2^-24 (max subnormal), 2^-14 (min normal),
        // 0x3555 = 1.3330078125 * 2^-2, -0, +inf, -inf, NaN.
        long[] half = {0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x3555, 0x8000, 0x7c00, 0xfc00, 0x7e00};
        float[] halfValues = {1f, -2f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 0.333251953125f, -0f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        // BF16: 1, -3, 3.140625, 2^-133 (min subnormal), +inf, max finite 0x7f7f = (2 - 2^-7) * 2^127.
        long[] bf = {0x3f80, 0xc040, 0x4049, 0x0001, 0x7f80, 0x7f7f};
        float[] bfValues = {1f, -3f, 3.140625f, 0x1p-133f, Float.POSITIVE_INFINITY, (2 - 0x1p-7f) * 0x1p127f};
        // F64: rounds to nearest float; beyond the float range becomes infinite.
        double[] dbl = {0.1, -2.5, 1e300, 1e-50};
        float[] dblValues = {0.1f, -2.5f, Float.POSITIVE_INFINITY, 0f};
        ByteBuffer d = ByteBuffer.allocate(2 * half.length + 2 * bf.length + 8 * dbl.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        d.put(le(2, half)).put(le(2, bf));
        for (double v : dbl) {
            d.putDouble(v);
        }
        int h1 = 2 * half.length;
        int h2 = h1 + 2 * bf.length;
        int h3 = h2 + 8 * dbl.length;
        String h = "{\"h\":{\"dtype\":\"F16\",\"shape\":[" + half.length + "],\"data_offsets\":[0," + h1 + "]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[" + bf.length + "],\"data_offsets\":[" + h1 + "," + h2 + "]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[" + h2 + "," + h3 + "]}}";
        SafeTensorsFile f = SafeTensorsReader.parse(file(h, d.array()), FILE);
        assertArrayEquals(halfValues, f.tensor("h").toFloatArray());
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(f.tensor("h").toFloatArray()[7]), "-0");
        assertArrayEquals(bfValues, f.tensor("b").toFloatArray());
        assertArrayEquals(dblValues, f.tensor("d").toFloatArray());
        assertArrayEquals(new long[] {2, 2}, f.tensor("d").shape());
        assertEquals(Dtype.F16, f.tensor("h").dtype());
        // every half converts exactly: back-converting through the float bits gives the same value
        for (int bits = 0; bits < 0x10000; bits++) {
            float v = Dtype.halfToFloat((short) bits);
            int e = (bits >>> 10) & 0x1f;
            if (e == 0x1f && (bits & 0x3ff) != 0) {
                assertTrue(Float.isNaN(v));
            } else if (e != 0x1f) {
                double expected = (e == 0 ? (bits & 0x3ff) * Math.pow(2, -24)
                        : (1 + (bits & 0x3ff) / 1024.0) * Math.pow(2, e - 15)) * ((bits & 0x8000) != 0 ? -1 : 1);
                assertEquals(expected, v, 0.0, "half 0x" + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void everyMalformedHeaderIsRejectedWithTheFileNamed() {
        byte[] eight = new byte[8];
        String ok = "\"dtype\":\"F32\",\"shape\":[2]";
        assertRejected(new byte[5], "short file");
        assertRejected(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array(), "long header");
        assertRejected(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array(), "2^64-1 header");
        byte[] notUtf8 = file("{\"a\u00e9\":1}", new byte[0]);
        notUtf8[11] = (byte) 0xff;
        assertTrue(assertRejected(notUtf8, "bad UTF-8").getMessage().contains("UTF-8"));
        assertRejected("[1,2]", eight, "array header", "JSON object");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8]}} x", eight, "trailing garbage", "not valid JSON (line 1 column");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8]}", eight, "unclosed", "not valid JSON");
        assertRejected("{a:{" + ok + ",\"data_offsets\":[0,8]}}", eight, "lenient JSON", "not valid JSON");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8]},\"a\":{" + ok + ",\"data_offsets\":[0,8]}}",
                eight, "duplicate tensor", "twice");
        assertRejected("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", new byte[0], "duplicate metadata", "twice");
        assertRejected("{\"__metadata__\":{\"k\":1}}", new byte[0], "number metadata", "expected STRING");
        assertRejected("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", eight, "no dtype", "lacks its dtype");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", eight, "no shape", "lacks its shape");
        assertRejected("{\"a\":{" + ok + "}}", eight, "no offsets", "lacks its data_offsets");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8],\"x\":1}}", eight, "unknown field", "unknown field");
        assertRejected("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}", eight, "F8",
                "unsupported dtype");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight, "negative dim",
                "negative");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", eight, "string dim",
                "expected NUMBER");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", eight, "fraction dim",
                "not valid JSON");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight, "size mismatch",
                "needs 12 bytes");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[8,0]}}", eight, "reversed offsets", "begin <= end");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8,16]}}", eight, "three offsets", "[begin, end]");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8]},\"b\":{" + ok + ",\"data_offsets\":[4,12]}}",
                new byte[12], "overlap", "overlap");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8]},\"b\":{" + ok + ",\"data_offsets\":[12,20]}}",
                new byte[20], "gap", "belong to no tensor");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8]}}", new byte[4], "past the end", "ends at byte 8");
        assertRejected("{\"a\":{" + ok + ",\"data_offsets\":[0,8]}}", new byte[12], "trailing data", "cover 8");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", eight,
                "overflowing shape", "overflows");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1073741824, 4],\"data_offsets\":[0,17179869184]}}", eight,
                "too many elements", "more than this reader can hold");
        assertRejected("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[] {2}, "bool 2",
                "BOOL");
        assertRejected("{\"a\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[0,8]}}", le(8, -1L), "big U64",
                "U64");
        assertRejected("{\"a\":[1]}", new byte[0], "entry not an object", "expected BEGIN_OBJECT");
    }

    @Test
    void missingFileIsReportedByName() {
        Path f = tmp.resolve("absent.safetensors");
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> SafeTensorsReader.read(f));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void truncationsAndByteFlipsNeverEscapeAsAnotherException() throws Exception {
        byte[] good = SafeTensorsWriter.toBytes(sample(), Map.of("k", "v"));
        SafeTensorsReader.parse(good, FILE);
        // The tensors must tile the file exactly, so every proper prefix is invalid.
        for (int len = 0; len < good.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(good, len);
            assertRejected(cut, "truncated to " + len);
        }
        int headerEnd = 8 + (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int rejected = 0;
        // Every single-bit flip of the length and header, then random multi-byte damage anywhere.
        for (int i = 0; i < headerEnd; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                rejected += parsesOrFailsCleanly(bad, "bit " + bit + " of byte " + i);
            }
        }
        Random rnd = new Random(20251001);
        for (int trial = 0; trial < 3000; trial++) {
            byte[] bad = good.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                bad[rnd.nextInt(trial % 2 == 0 ? headerEnd : bad.length)] = (byte) rnd.nextInt(256);
            }
            rejected += parsesOrFailsCleanly(bad, "trial " + trial);
        }
        assertTrue(rejected > 1000, "too few damaged files were noticed: " + rejected);
    }

    private static int parsesOrFailsCleanly(byte[] bytes, String what) {
        try {
            SafeTensorsReader.parse(bytes, FILE);
            return 0;
        } catch (FaceAttrException e) {
            assertEquals(FILE, e.file(), what);
            return 1;
        } catch (Throwable t) {
            fail(what + ": escaped as " + t, t);
            return 0;
        }
    }

    @Test
    void writerRejectsInvalidNamesAndTensorsCheckTheirShape() {
        Tensor one = Tensor.f32(new long[] {1}, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.toBytes(Map.of("", one), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsWriter.toBytes(Map.of(SafeTensorsFile.METADATA_KEY, one), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.toBytes(Map.of("a\ud800", one), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Tensor.f32(new long[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.i64(new long[] {-1}, new long[0]));
        float[] data = {1, 2};
        Tensor t = Tensor.f32(new long[] {2}, data);
        data[0] = 9;
        assertEquals(1f, t.toFloatArray()[0], "the tensor must copy its data");
        t.toFloatArray()[1] = 9;
        assertEquals(2f, t.toFloatArray()[1], "accessors must return copies");
    }
}

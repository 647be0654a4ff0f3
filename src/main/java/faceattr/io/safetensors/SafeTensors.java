package faceattr.io.safetensors;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import faceattr.core.FaceAttrException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the safetensors format, written from its published description:
 * <pre>
 *   8 bytes     N, unsigned little-endian 64-bit: the header length
 *   N bytes     UTF-8 JSON object {name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 *               optional "__metadata__": {string: string}}, possibly padded with spaces
 *   the rest    the byte buffer; offsets are relative to its start, values little-endian, row-major
 * </pre>
 *
 * <p>The reader is strict, like the reference implementation: the tensors must tile the buffer
 * exactly (no overlap, no gap, nothing out of range), each tensor's byte length must be its
 * element count times its dtype size, the header must be valid UTF-8 and strict JSON without
 * duplicate keys. Every violation is a {@link FaceAttrException} naming the file; no other
 * exception escapes for any input bytes. Float16, bfloat16 and float64 values are converted to
 * float32; integer types to {@code long}.
 *
 * <p>The writer stores floating-point tensors as F32 and integer tensors as I64, sorted by name,
 * with the header padded to a multiple of 8 bytes so the data are aligned, as the reference
 * writer does. Files it writes open with the Python {@code safetensors} package.
 */
public final class SafeTensors {
    /** The reserved header key of the free-form metadata. */
    public static final String METADATA_KEY = "__metadata__";
    /** The largest header accepted, as in the reference implementation; more means a corrupt length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    // Java arrays are indexed by int; the largest safe length on common JVMs.
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final Pattern JSON_POSITION = Pattern.compile("line \\d+ column \\d+");
    private static final String FIX = "the file is damaged, truncated or not a safetensors file: copy it again or "
            + "re-export it";

    private SafeTensors() {
    }

    /**
     * Reads a whole file into memory and decodes it.
     *
     * @param file the file
     * @return its tensors and metadata
     * @throws FaceAttrException when it cannot be read or is not a valid safetensors file; the
     *     message names the file
     */
    public static SafeTensorsFile read(Path file) throws FaceAttrException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_ARRAY) {
                throw new FaceAttrException(file, "is " + size + " bytes; this reader holds files in memory and "
                        + "takes at most " + MAX_ARRAY + " bytes", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FaceAttrException(file, "file not found; check the path", e);
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot read the file (" + e + "); check that it is readable", e);
        }
        return parse(bytes, file);
    }

    /**
     * Decodes safetensors bytes.
     *
     * @param bytes the whole file content
     * @param file the file they came from, named in error messages; may be null
     * @return its tensors and metadata
     * @throws FaceAttrException when the bytes are not a valid safetensors file
     */
    public static SafeTensorsFile parse(byte[] bytes, Path file) throws FaceAttrException {
        try {
            return decode(bytes, file);
        } catch (Invalid e) {
            throw new FaceAttrException(file, "not a valid safetensors file: " + e.getMessage() + "; " + FIX, null);
        } catch (RuntimeException e) {
            // Not expected for any input; kept so that no other exception type reaches callers.
            throw new FaceAttrException(file, "not a valid safetensors file (" + e + "); " + FIX, e);
        }
    }

    /** A format violation found while decoding; turned into a FaceAttrException naming the file. */
    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** One header entry before its data is decoded. */
    private record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
    }

    private static SafeTensorsFile decode(byte[] bytes, Path file) throws Invalid {
        if (bytes.length < 8) {
            throw new Invalid("the file has " + bytes.length + " bytes, fewer than the 8 of the header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        // Compare as unsigned: a length above 2^63 reads as negative.
        if (n < 0 || n > bytes.length - 8L) {
            throw new Invalid("the header length " + Long.toUnsignedString(n) + " is longer than the file ("
                    + (bytes.length - 8) + " bytes after the length)");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new Invalid("the header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        int headerLength = (int) n;
        String header;
        try {
            header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, headerLength)).toString();
        } catch (CharacterCodingException e) {
            throw new Invalid("the header is not valid UTF-8");
        }
        if (!header.startsWith("{")) {
            throw new Invalid("the header does not start with a JSON object");
        }
        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries;
        try {
            entries = readHeader(header, metadata);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson reports malformed JSON as IOException, a wrong token as IllegalStateException and a
            // bad number as NumberFormatException. Its messages suggest lenient parsing, which is no
            // advice for a user, so only the position is kept.
            throw new Invalid("the header is not valid JSON" + jsonPosition(e.getMessage()));
        }
        long bufferStart = 8L + headerLength;
        long bufferLength = bytes.length - bufferStart;
        checkLayout(entries, bufferLength);

        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            tensors.put(e.name, decodeTensor(e, buf, (int) (bufferStart + e.begin)));
        }
        return new SafeTensorsFile(file, tensors, metadata);
    }

    private static String jsonPosition(String gsonMessage) {
        Matcher m = gsonMessage == null ? null : JSON_POSITION.matcher(gsonMessage);
        return m != null && m.find() ? " (" + m.group() + ")" : "";
    }

    private static List<Entry> readHeader(String header, Map<String, String> metadata) throws Invalid, IOException {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        JsonReader r = new JsonReader(new StringReader(header));
        r.setStrictness(Strictness.STRICT);
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (!seen.add(key)) {
                throw new Invalid("the header has the key '" + key + "' twice");
            }
            if (key.equals(METADATA_KEY)) {
                readMetadata(r, metadata);
            } else {
                entries.add(readEntry(r, key));
            }
        }
        r.endObject();
        if (r.peek() != JsonToken.END_DOCUMENT) {
            throw new Invalid("the header has data after its JSON object");
        }
        return entries;
    }

    private static void readMetadata(JsonReader r, Map<String, String> metadata) throws Invalid, IOException {
        expect(r, JsonToken.BEGIN_OBJECT, METADATA_KEY);
        r.beginObject();
        while (r.hasNext()) {
            String k = r.nextName();
            // peek first: Gson's nextString would also accept a number
            expect(r, JsonToken.STRING, METADATA_KEY + "." + k);
            if (metadata.put(k, r.nextString()) != null) {
                throw new Invalid("the metadata have the key '" + k + "' twice");
            }
        }
        r.endObject();
    }

    private static Entry readEntry(JsonReader r, String name) throws Invalid, IOException {
        expect(r, JsonToken.BEGIN_OBJECT, "tensor '" + name + "'");
        r.beginObject();
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        while (r.hasNext()) {
            String field = r.nextName();
            switch (field) {
                case "dtype" -> {
                    if (dtypeName != null) {
                        throw new Invalid("tensor '" + name + "' has two dtypes");
                    }
                    expect(r, JsonToken.STRING, "the dtype of tensor '" + name + "'");
                    dtypeName = r.nextString();
                }
                case "shape" -> {
                    if (shape != null) {
                        throw new Invalid("tensor '" + name + "' has two shapes");
                    }
                    shape = readLongs(r, "the shape of tensor '" + name + "'");
                }
                case "data_offsets" -> {
                    if (offsets != null) {
                        throw new Invalid("tensor '" + name + "' has two data_offsets");
                    }
                    offsets = readLongs(r, "the data_offsets of tensor '" + name + "'");
                }
                default -> throw new Invalid("tensor '" + name + "' has an unknown field '" + field + "'");
            }
        }
        r.endObject();
        if (dtypeName == null || shape == null || offsets == null) {
            throw new Invalid("tensor '" + name + "' lacks " + (dtypeName == null ? "its dtype"
                    : shape == null ? "its shape" : "its data_offsets"));
        }
        Dtype dtype = Dtype.fromName(dtypeName);
        if (dtype == null) {
            throw new Invalid("tensor '" + name + "' has the unsupported dtype '" + dtypeName + "' (supported: "
                    + Arrays.toString(Dtype.values()) + ")");
        }
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new Invalid("tensor '" + name + "' has data_offsets " + Arrays.toString(offsets)
                    + "; expected [begin, end] with begin <= end");
        }
        long count = 1;
        for (long d : shape) {
            count = multiply(count, d, name);
        }
        long bytes = multiply(count, dtype.size(), name);
        if (offsets[1] - offsets[0] != bytes) {
            throw new Invalid("tensor '" + name + "' of dtype " + dtype + " and shape " + Arrays.toString(shape)
                    + " needs " + bytes + " bytes, its data_offsets " + Arrays.toString(offsets) + " span "
                    + (offsets[1] - offsets[0]));
        }
        if (count > MAX_ARRAY) {
            throw new Invalid("tensor '" + name + "' has " + count + " elements, more than this reader can hold");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long multiply(long a, long b, String name) throws Invalid {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new Invalid("the size of tensor '" + name + "' overflows");
        }
    }

    private static long[] readLongs(JsonReader r, String what) throws Invalid, IOException {
        expect(r, JsonToken.BEGIN_ARRAY, what);
        r.beginArray();
        List<Long> values = new ArrayList<>();
        while (r.hasNext()) {
            expect(r, JsonToken.NUMBER, what);
            long v = r.nextLong();
            if (v < 0) {
                throw new Invalid(what + " has the negative value " + v);
            }
            values.add(v);
        }
        r.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static void expect(JsonReader r, JsonToken token, String what) throws Invalid, IOException {
        JsonToken t = r.peek();
        if (t != token) {
            throw new Invalid(what + " is a JSON " + t + ", expected " + token);
        }
    }

    /**
     * Checks that the tensors tile the byte buffer exactly: sorted by offset, each begins where the
     * previous ended, the first at 0 and the last at the buffer's end. This rejects overlaps, gaps
     * and offsets past the end in one rule.
     */
    private static void checkLayout(List<Entry> entries, long bufferLength) throws Invalid {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.end > bufferLength) {
                throw new Invalid("tensor '" + e.name + "' ends at byte " + e.end + " of a data buffer of "
                        + bufferLength + " bytes");
            }
            if (e.begin < expected) {
                throw new Invalid("tensors '" + previous.name + "' and '" + e.name + "' overlap");
            }
            if (e.begin > expected) {
                throw new Invalid("bytes " + expected + ".." + e.begin + " of the data buffer belong to no tensor");
            }
            expected = e.end;
            previous = e;
        }
        if (expected != bufferLength) {
            throw new Invalid("the data buffer has " + bufferLength + " bytes but the tensors cover " + expected);
        }
    }

    private static Tensor decodeTensor(Entry e, ByteBuffer buf, int at) throws Invalid {
        int n = (int) (e.end - e.begin) / e.dtype.size();
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(at);
        if (e.dtype.isFloatingPoint()) {
            float[] v = new float[n];
            switch (e.dtype) {
                case F32 -> b.asFloatBuffer().get(v);
                case F64 -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) b.getDouble(at + 8 * i);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = halfToFloat(b.getShort(at + 2 * i));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = bfloat16ToFloat(b.getShort(at + 2 * i));
                    }
                }
                default -> throw new IllegalStateException("unhandled float dtype " + e.dtype);
            }
            return Tensor.decoded(e.dtype, e.shape, v, null);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (e.dtype) {
                case I64 -> b.getLong(at + 8 * i);
                case U64 -> {
                    long x = b.getLong(at + 8 * i);
                    if (x < 0) {
                        throw new Invalid("tensor '" + e.name + "' holds the U64 value " + Long.toUnsignedString(x)
                                + ", beyond what this reader can represent");
                    }
                    yield x;
                }
                case I32 -> b.getInt(at + 4 * i);
                case U32 -> b.getInt(at + 4 * i) & 0xffffffffL;
                case I16 -> b.getShort(at + 2 * i);
                case U16 -> b.getShort(at + 2 * i) & 0xffff;
                case I8 -> b.get(at + i);
                case U8 -> b.get(at + i) & 0xff;
                case BOOL -> {
                    int x = b.get(at + i) & 0xff;
                    if (x > 1) {
                        throw new Invalid("tensor '" + e.name + "' holds the BOOL byte " + x + "; only 0 and 1 are valid");
                    }
                    yield x;
                }
                default -> throw new IllegalStateException("unhandled integer dtype " + e.dtype);
            };
        }
        return Tensor.decoded(e.dtype, e.shape, null, v);
    }

    /**
     * Widens an IEEE 754 binary16 value to float32, exactly (every half is a float).
     *
     * @param half the 16 bits, in the low bits of the argument
     * @return the same value as a float, including signed zeros, subnormals, infinities and NaN
     */
    public static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24; both factors are exact in float, so is the product
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            // infinity or NaN; the payload is kept in the top mantissa bits
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /**
     * Widens a bfloat16 value to float32, exactly: bfloat16 is the upper half of a float32.
     *
     * @param bf16 the 16 bits
     * @return the same value as a float
     */
    public static float bfloat16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /**
     * Encodes tensors and metadata as safetensors bytes.
     *
     * @param tensors the tensors by name; names must be non-empty, valid Unicode and not {@value #METADATA_KEY}
     * @param metadata string metadata, may be empty
     * @return the file content
     * @throws IllegalArgumentException when a name is invalid or the result would exceed 2 GiB
     */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Layout layout = layout(tensors, metadata);
        long total = layout.header.length + layout.dataBytes;
        if (total > MAX_ARRAY) {
            throw new IllegalArgumentException("the tensors take " + total + " bytes; use write() for files above 2 GiB");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(layout.header);
        for (Tensor t : layout.sorted.values()) {
            putData(out, t);
        }
        return out.array();
    }

    /**
     * Writes tensors and metadata to a file, replacing it, and forces it to disk. A crash can
     * leave a partial file; callers that need atomicity write to a temporary name and rename
     * (as {@code faceattr.model.io.ModelFolder} does).
     *
     * @param file the file to write
     * @param tensors the tensors by name; names must be non-empty, valid Unicode and not {@value #METADATA_KEY}
     * @param metadata string metadata, may be empty
     * @throws FaceAttrException when the file cannot be written
     * @throws IllegalArgumentException when a name is invalid
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws FaceAttrException {
        Layout layout = layout(tensors, metadata);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(layout.header));
            // Chunked so a large tensor does not need a second copy of itself in memory.
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : layout.sorted.values()) {
                putData(ch, chunk, t);
            }
            chunk.flip();
            writeFully(ch, chunk);
            ch.force(true);
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot write the file (" + e + "); check the folder is writable "
                    + "and the disk has room", e);
        }
    }

    /** The header bytes (with the length prefix) and the tensors in data order. */
    private record Layout(byte[] header, TreeMap<String, Tensor> sorted, long dataBytes) {
    }

    private static Layout layout(Map<String, Tensor> tensors, Map<String, String> metadata) {
        TreeMap<String, Tensor> sorted = new TreeMap<>(tensors);
        StringWriter sw = new StringWriter();
        long offset = 0;
        try (JsonWriter w = new JsonWriter(sw)) {
            w.setHtmlSafe(false);
            w.beginObject();
            if (!metadata.isEmpty()) {
                w.name(METADATA_KEY).beginObject();
                for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
                    checkText(m.getKey(), "metadata key");
                    checkText(m.getValue(), "metadata value");
                    w.name(m.getKey()).value(m.getValue());
                }
                w.endObject();
            }
            for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
                String name = e.getKey();
                if (name.isEmpty() || name.equals(METADATA_KEY)) {
                    throw new IllegalArgumentException("invalid tensor name '" + name + "'");
                }
                checkText(name, "tensor name");
                Tensor t = e.getValue();
                long bytes = (long) t.elementCount() * (t.isFloatingPoint() ? 4 : 8);
                w.name(name).beginObject();
                w.name("dtype").value(t.isFloatingPoint() ? "F32" : "I64");
                w.name("shape").beginArray();
                for (long d : t.shape()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
                w.endObject();
                offset += bytes;
            }
            w.endObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e); // cannot happen
        }
        byte[] json = sw.toString().getBytes(StandardCharsets.UTF_8);
        // Pad with spaces (allowed by the format) so the data start 8-byte aligned.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer header = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(padded).put(json);
        while (header.hasRemaining()) {
            header.put((byte) ' ');
        }
        return new Layout(header.array(), sorted, offset);
    }

    private static void checkText(String s, String what) {
        try {
            StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not valid Unicode");
        }
    }

    private static void putData(ByteBuffer out, Tensor t) {
        if (t.isFloatingPoint()) {
            for (float f : t.floatsUnsafe()) {
                out.putFloat(f);
            }
        } else {
            for (long l : t.longsUnsafe()) {
                out.putLong(l);
            }
        }
    }

    private static void putData(FileChannel ch, ByteBuffer chunk, Tensor t) throws IOException {
        if (t.isFloatingPoint()) {
            for (float f : t.floatsUnsafe()) {
                if (chunk.remaining() < 4) {
                    flush(ch, chunk);
                }
                chunk.putFloat(f);
            }
        } else {
            for (long l : t.longsUnsafe()) {
                if (chunk.remaining() < 8) {
                    flush(ch, chunk);
                }
                chunk.putLong(l);
            }
        }
    }

    private static void flush(FileChannel ch, ByteBuffer chunk) throws IOException {
        chunk.flip();
        writeFully(ch, chunk);
        chunk.clear();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}

package faceattr.io.safetensors;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import faceattr.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * The JSON header of a safetensors file, shared by {@link SafeTensorsReader} and
 * {@link SafeTensorsWriter}: one entry per tensor (name, dtype, shape and byte range in the data
 * buffer) and the string metadata under {@value SafeTensorsFile#METADATA_KEY}.
 *
 * <p>It is parsed with Gson's streaming reader rather than as a tree because the format forbids
 * duplicate keys, which a tree would silently merge. Parsing checks each entry on its own (known
 * dtype, byte length = element count × dtype size); {@link #checkLayout} checks them together.
 */
final class SafeTensorsHeader {
    // Java arrays are indexed by int; the largest safe length on common JVMs.
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final Pattern JSON_POSITION = Pattern.compile("line \\d+ column \\d+");

    /** One tensor's header entry; {@code begin} and {@code end} are offsets into the data buffer. */
    record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
    }

    /** A format violation; the reader turns it into a FaceAttrException naming the file. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private final List<Entry> entries;
    private final LinkedHashMap<String, String> metadata;

    private SafeTensorsHeader(List<Entry> entries, LinkedHashMap<String, String> metadata) {
        this.entries = entries;
        this.metadata = metadata;
    }

    /** @return the entries in header order */
    List<Entry> entries() {
        return entries;
    }

    /** @return the metadata in header order; the reader hands this map over as it is */
    LinkedHashMap<String, String> metadata() {
        return metadata;
    }

    /**
     * Encodes a header: the 8-byte length, then compact JSON padded with spaces (allowed by the
     * format) so that the data start 8-byte aligned, as the reference writer does.
     *
     * @param entries the tensors in data order
     * @param metadata string metadata, written sorted by key; none when empty
     * @return the bytes that precede the data buffer
     * @throws IllegalArgumentException when a name is empty, reserved or not valid Unicode
     */
    static byte[] encode(List<Entry> entries, Map<String, String> metadata) {
        JsonObject o = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            new TreeMap<>(metadata).forEach((k, v) -> m.addProperty(checkText(k, "metadata key"),
                    checkText(v, "metadata value")));
            o.add(SafeTensorsFile.METADATA_KEY, m);
        }
        for (Entry e : entries) {
            if (e.name.isEmpty() || e.name.equals(SafeTensorsFile.METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + e.name + "'");
            }
            JsonObject t = new JsonObject();
            t.addProperty("dtype", e.dtype.name());
            JsonArray shape = new JsonArray();
            Arrays.stream(e.shape).forEach(shape::add);
            t.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(e.begin);
            offsets.add(e.end);
            t.add("data_offsets", offsets);
            o.add(checkText(e.name, "tensor name"), t);
        }
        byte[] json = Json.writeCompact(o).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer header = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(padded).put(json);
        while (header.hasRemaining()) {
            header.put((byte) ' ');
        }
        return header.array();
    }

    private static String checkText(String s, String what) {
        try {
            StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
            return s;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not valid Unicode");
        }
    }

    /**
     * Parses a header strictly: a JSON object without duplicate keys, each entry with exactly a
     * supported dtype, a shape and data offsets that agree with each other.
     *
     * @param header the header text (already checked to be UTF-8)
     * @return the header
     * @throws Invalid naming the tensor and field at fault
     */
    static SafeTensorsHeader parse(String header) throws Invalid {
        if (!header.startsWith("{")) {
            throw new Invalid("the header does not start with a JSON object");
        }
        try {
            return read(Json.strictReader(header));
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson reports malformed JSON as IOException, a wrong token as IllegalStateException and a
            // bad number as NumberFormatException. Its messages suggest lenient parsing, which is no
            // advice for a user, so only the position is kept.
            Matcher m = e.getMessage() == null ? null : JSON_POSITION.matcher(e.getMessage());
            throw new Invalid("the header is not valid JSON" + (m != null && m.find() ? " (" + m.group() + ")" : ""));
        }
    }

    private static SafeTensorsHeader read(JsonReader r) throws Invalid, IOException {
        List<Entry> entries = new ArrayList<>();
        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (!seen.add(key)) {
                throw new Invalid("the header has the key '" + key + "' twice");
            }
            if (key.equals(SafeTensorsFile.METADATA_KEY)) {
                readMetadata(r, metadata);
            } else {
                entries.add(readEntry(r, key));
            }
        }
        r.endObject();
        if (r.peek() != JsonToken.END_DOCUMENT) {
            throw new Invalid("the header has data after its JSON object");
        }
        return new SafeTensorsHeader(entries, metadata);
    }

    private static void readMetadata(JsonReader r, Map<String, String> metadata) throws Invalid, IOException {
        expect(r, JsonToken.BEGIN_OBJECT, SafeTensorsFile.METADATA_KEY);
        r.beginObject();
        while (r.hasNext()) {
            String k = r.nextName();
            // peek first: Gson's nextString would also accept a number
            expect(r, JsonToken.STRING, SafeTensorsFile.METADATA_KEY + "." + k);
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
        return entry(name, dtypeName, shape, offsets);
    }

    private static Entry entry(String name, String dtypeName, long[] shape, long[] offsets) throws Invalid {
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
     * Checks that the tensors tile the data buffer exactly: sorted by offset, each begins where the
     * previous ended, the first at 0 and the last at the buffer's end. This rejects overlaps, gaps
     * and offsets past the end in one rule.
     *
     * @param bufferLength the bytes after the header
     * @throws Invalid naming the tensors or bytes at fault
     */
    void checkLayout(long bufferLength) throws Invalid {
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
}

package faceattr.io.safetensors;

import faceattr.core.FaceAttrException;
import faceattr.io.safetensors.SafeTensorsHeader.Entry;
import faceattr.io.safetensors.SafeTensorsHeader.Invalid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/**
 * Reads the safetensors format, written from its published description:
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
 */
public final class SafeTensorsReader {
    /** The largest header accepted, as in the reference implementation; more means a corrupt length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String FIX = "the file is damaged, truncated or not a safetensors file: copy it again or "
            + "re-export it";

    private SafeTensorsReader() {
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
            if (size > SafeTensorsHeader.MAX_ARRAY) {
                throw new FaceAttrException(file, "is " + size + " bytes; this reader holds files in memory and "
                        + "takes at most " + SafeTensorsHeader.MAX_ARRAY + " bytes", null);
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
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, headerLength)).toString();
        } catch (CharacterCodingException e) {
            throw new Invalid("the header is not valid UTF-8");
        }
        SafeTensorsHeader header = SafeTensorsHeader.parse(text);
        long bufferStart = 8L + headerLength;
        header.checkLayout(bytes.length - bufferStart);
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : header.entries()) {
            tensors.put(e.name(), decodeTensor(e, buf, (int) (bufferStart + e.begin())));
        }
        return new SafeTensorsFile(file, tensors, header.metadata());
    }

    private static Tensor decodeTensor(Entry e, ByteBuffer buf, int at) throws Invalid {
        Dtype dtype = e.dtype();
        int n = (int) (e.end() - e.begin()) / dtype.size();
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(at);
        if (dtype.isFloatingPoint()) {
            float[] v = new float[n];
            switch (dtype) {
                case F32 -> b.asFloatBuffer().get(v);
                case F64 -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) b.getDouble(at + 8 * i);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = Dtype.halfToFloat(b.getShort(at + 2 * i));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = Dtype.bfloat16ToFloat(b.getShort(at + 2 * i));
                    }
                }
                default -> throw new IllegalStateException("unhandled float dtype " + dtype);
            }
            return Tensor.decoded(dtype, e.shape(), v, null);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (dtype) {
                case I64 -> b.getLong(at + 8 * i);
                case U64 -> {
                    long x = b.getLong(at + 8 * i);
                    if (x < 0) {
                        throw new Invalid("tensor '" + e.name() + "' holds the U64 value " + Long.toUnsignedString(x)
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
                        throw new Invalid("tensor '" + e.name() + "' holds the BOOL byte " + x
                                + "; only 0 and 1 are valid");
                    }
                    yield x;
                }
                default -> throw new IllegalStateException("unhandled integer dtype " + dtype);
            };
        }
        return Tensor.decoded(dtype, e.shape(), null, v);
    }
}

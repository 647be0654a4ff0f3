package faceattr.io.safetensors;

import faceattr.core.FaceAttrException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the safetensors format (see {@link SafeTensorsReader} for the layout). Floating-point
 * tensors are stored as F32 and integer tensors as I64, sorted by name, with the header padded to
 * a multiple of 8 bytes so the data are aligned, as the reference writer does. Files it writes
 * open with the Python {@code safetensors} package.
 */
public final class SafeTensorsWriter {
    // Big enough to write at disk speed, small enough that a large tensor needs no second copy of itself.
    private static final int CHUNK = 1 << 20;

    private SafeTensorsWriter() {
    }

    /**
     * Encodes tensors and metadata as safetensors bytes.
     *
     * @param tensors the tensors by name; names must be non-empty, valid Unicode and not
     *     {@value SafeTensorsFile#METADATA_KEY}
     * @param metadata string metadata, may be empty
     * @return the file content
     * @throws IllegalArgumentException when a name is invalid or the result would exceed 2 GiB
     */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Layout layout = layout(tensors, metadata);
        long total = layout.header.length + layout.dataBytes;
        if (total > SafeTensorsHeader.MAX_ARRAY) {
            throw new IllegalArgumentException("the tensors take " + total + " bytes; use write() for files above 2 GiB");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) total);
        try {
            writeTo(Channels.newChannel(out), layout);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e); // cannot happen
        }
        return out.toByteArray();
    }

    /**
     * Writes tensors and metadata to a file, replacing it, and forces it to disk. A crash can
     * leave a partial file; callers that need atomicity write to a temporary name and rename
     * (as {@code faceattr.model.io.ModelFolder} does).
     *
     * @param file the file to write
     * @param tensors the tensors by name; names must be non-empty, valid Unicode and not
     *     {@value SafeTensorsFile#METADATA_KEY}
     * @param metadata string metadata, may be empty
     * @throws FaceAttrException when the file cannot be written
     * @throws IllegalArgumentException when a name is invalid
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws FaceAttrException {
        Layout layout = layout(tensors, metadata);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeTo(ch, layout);
            ch.force(true);
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot write the file (" + e + "); check the folder is writable "
                    + "and the disk has room", e);
        }
    }

    /** The header bytes (with the length prefix) and the tensors in data order. */
    private record Layout(byte[] header, List<Tensor> tensors, long dataBytes) {
    }

    private static Layout layout(Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<SafeTensorsHeader.Entry> entries = new ArrayList<>();
        List<Tensor> ordered = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : new TreeMap<>(tensors).entrySet()) {
            Tensor t = e.getValue();
            Dtype stored = t.isFloatingPoint() ? Dtype.F32 : Dtype.I64;
            long bytes = (long) t.elementCount() * stored.size();
            entries.add(new SafeTensorsHeader.Entry(e.getKey(), stored, t.shape(), offset, offset + bytes));
            ordered.add(t);
            offset += bytes;
        }
        return new Layout(SafeTensorsHeader.encode(entries, metadata), ordered, offset);
    }

    private static void writeTo(WritableByteChannel ch, Layout layout) throws IOException {
        writeFully(ch, ByteBuffer.wrap(layout.header));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : layout.tensors) {
            if (t.isFloatingPoint()) {
                for (float f : t.floatsUnsafe()) {
                    if (chunk.remaining() < Float.BYTES) {
                        flush(ch, chunk);
                    }
                    chunk.putFloat(f);
                }
            } else {
                for (long l : t.longsUnsafe()) {
                    if (chunk.remaining() < Long.BYTES) {
                        flush(ch, chunk);
                    }
                    chunk.putLong(l);
                }
            }
        }
        flush(ch, chunk);
    }

    private static void flush(WritableByteChannel ch, ByteBuffer chunk) throws IOException {
        chunk.flip();
        writeFully(ch, chunk);
        chunk.clear();
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}

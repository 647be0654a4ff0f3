package faceattr.io;

import faceattr.core.FaceAttrException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A reader of MATLAB's level 5 MAT files (the format of MATLAB 5 to 7.2, and of
 * {@code scipy.io.savemat}), enough for annotation files such as WIDER FACE's evaluation lists:
 * numeric arrays of any stored type (as doubles), character arrays, cell arrays and structures,
 * compressed or not, either byte order. Variables of other classes (sparse, objects, function
 * handles) are read as null. MAT 7.3 files are HDF5 and are refused with a message saying so.
 */
public final class MatFile {
    private static final int MI_INT8 = 1;
    private static final int MI_UINT8 = 2;
    private static final int MI_INT16 = 3;
    private static final int MI_UINT16 = 4;
    private static final int MI_INT32 = 5;
    private static final int MI_UINT32 = 6;
    private static final int MI_SINGLE = 7;
    private static final int MI_DOUBLE = 9;
    private static final int MI_INT64 = 12;
    private static final int MI_UINT64 = 13;
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    private static final int MI_UTF8 = 16;
    private static final int MI_UTF16 = 17;

    private static final int MX_CELL = 1;
    private static final int MX_STRUCT = 2;
    private static final int MX_CHAR = 4;

    /**
     * A cell array.
     *
     * @param dims its dimensions
     * @param items its elements in MATLAB's (column-major) order
     */
    public record Cell(int[] dims, List<Object> items) {
        /** Copies. */
        public Cell {
            dims = dims.clone();
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        /**
         * @param i the element in column-major order
         * @return it
         */
        public Object get(int i) {
            return items.get(i);
        }
    }

    /**
     * A numeric array.
     *
     * @param dims its dimensions
     * @param data its values in column-major order
     */
    public record Numeric(int[] dims, double[] data) {
        /** Copies. */
        public Numeric {
            dims = dims.clone();
            data = data.clone();
        }

        @Override
        public double[] data() {
            return data.clone();
        }
    }

    private MatFile() {
    }

    /**
     * @param file the MAT file
     * @return its variables by name, in file order: {@link Numeric}, {@link String} (character
     *     arrays, rows joined), {@link Cell}, {@code Map} (a 1 x 1 structure), or null (other classes)
     * @throws FaceAttrException when it is not a level 5 MAT file or is damaged, naming it
     */
    public static Map<String, Object> read(Path file) throws FaceAttrException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot read it: " + e.getMessage(), e);
        }
        if (bytes.length < 128) {
            throw new FaceAttrException(file, "is not a MAT file (shorter than its 128-byte header)", null);
        }
        String text = new String(bytes, 0, 116, StandardCharsets.US_ASCII);
        if (text.startsWith("MATLAB 7.3")) {
            throw new FaceAttrException(file, "is a MAT 7.3 (HDF5) file; save it as MAT 5 or 7 (e.g. MATLAB's "
                    + "save -v7, or scipy.io.savemat)", null);
        }
        ByteOrder order;
        if (bytes[126] == 'I' && bytes[127] == 'M') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (bytes[126] == 'M' && bytes[127] == 'I') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new FaceAttrException(file, "is not a MAT 5 file (no byte-order mark in its header)", null);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
            int pos = 128;
            while (pos + 8 <= bytes.length) {
                Element e = element(b, pos);
                if (e.type == MI_COMPRESSED) {
                    ByteBuffer inner = ByteBuffer.wrap(inflate(bytes, e.start, e.size)).order(order);
                    Element m = element(inner, 0);
                    if (m.type == MI_MATRIX) {
                        Named v = matrix(inner, m);
                        out.put(v.name, v.value);
                    }
                    pos = e.start + e.size; // compressed elements are not padded
                } else {
                    if (e.type == MI_MATRIX) {
                        Named v = matrix(b, e);
                        out.put(v.name, v.value);
                    }
                    pos = e.next;
                }
            }
        } catch (RuntimeException | DataFormatException e) {
            throw new FaceAttrException(file, "is a damaged MAT file (" + e + ")", e);
        }
        return Collections.unmodifiableMap(out);
    }

    /** A data element: its type, where its data starts, how long it is, where the next one starts. */
    private record Element(int type, int start, int size, int next) {
    }

    private record Named(String name, Object value) {
    }

    private static Element element(ByteBuffer b, int pos) {
        int first = b.getInt(pos);
        if ((first >>> 16) != 0) { // small data element: size and type in 4 bytes, data in the next 4
            return new Element(first & 0xffff, pos + 4, first >>> 16, pos + 8);
        }
        int size = b.getInt(pos + 4);
        if (size < 0 || pos + 8L + size > b.limit()) {
            throw new IllegalArgumentException("element of " + size + " bytes at " + pos + " runs past the end");
        }
        return new Element(first, pos + 8, size, pos + 8 + ((size + 7) & ~7));
    }

    private static byte[] inflate(byte[] bytes, int start, int size) throws DataFormatException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(bytes, start, size);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, size * 4));
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            inf.end();
        }
    }

    private static Named matrix(ByteBuffer b, Element m) {
        if (m.size == 0) {
            return new Named("", new Numeric(new int[] {0, 0}, new double[0])); // an empty cell element
        }
        int end = m.start + m.size;
        Element flags = element(b, m.start);
        int cls = b.getInt(flags.start) & 0xff;
        Element dimsEl = element(b, flags.next);
        int[] dims = new int[dimsEl.size / 4];
        int count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = b.getInt(dimsEl.start + 4 * i);
            count *= dims[i];
        }
        Element nameEl = element(b, dimsEl.next);
        String name = string(b, nameEl);
        int pos = nameEl.next;
        Object value;
        if (cls == MX_CELL) {
            List<Object> items = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Element c = element(b, pos);
                items.add(matrix(b, c).value);
                pos = c.next;
            }
            value = new Cell(dims, items);
        } else if (cls == MX_STRUCT) {
            Element lenEl = element(b, pos);
            int len = b.getInt(lenEl.start);
            Element namesEl = element(b, lenEl.next);
            int fields = len == 0 ? 0 : namesEl.size / len;
            List<String> names = new ArrayList<>();
            for (int f = 0; f < fields; f++) {
                int s = namesEl.start + f * len;
                int e = s;
                while (e < s + len && b.get(e) != 0) {
                    e++;
                }
                byte[] nb = new byte[e - s];
                b.get(s, nb);
                names.add(new String(nb, StandardCharsets.US_ASCII));
            }
            pos = namesEl.next;
            Map<String, Object> struct = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                for (String f : names) {
                    Element c = element(b, pos);
                    Object v = matrix(b, c).value;
                    if (i == 0) {
                        struct.put(f, v); // a 1 x 1 structure; further elements are read and left out
                    }
                    pos = c.next;
                }
            }
            value = Collections.unmodifiableMap(struct);
        } else if (cls == MX_CHAR) {
            value = pos < end ? chars(b, element(b, pos), dims) : "";
        } else if (cls >= 6 && cls <= 15) {
            value = new Numeric(dims, pos < end ? numbers(b, element(b, pos), count) : new double[0]);
        } else {
            value = null;
        }
        return new Named(name, value);
    }

    private static String string(ByteBuffer b, Element e) {
        byte[] nb = new byte[e.size];
        b.get(e.start, nb);
        return new String(nb, StandardCharsets.US_ASCII);
    }

    private static String chars(ByteBuffer b, Element e, int[] dims) {
        String s;
        if (e.type == MI_UTF8 || e.type == MI_UINT8 || e.type == MI_INT8) {
            byte[] nb = new byte[e.size];
            b.get(e.start, nb);
            s = new String(nb, StandardCharsets.UTF_8);
        } else {
            char[] c = new char[e.size / 2];
            for (int i = 0; i < c.length; i++) {
                c[i] = b.getChar(e.start + 2 * i);
            }
            s = new String(c);
        }
        if (dims.length == 2 && dims[0] > 1 && s.length() == dims[0] * dims[1]) {
            // column-major rows x cols: read row by row, rows joined by newlines
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < dims[0]; r++) {
                for (int c = 0; c < dims[1]; c++) {
                    sb.append(s.charAt(c * dims[0] + r));
                }
                if (r + 1 < dims[0]) {
                    sb.append('\n');
                }
            }
            return sb.toString();
        }
        return s;
    }

    private static double[] numbers(ByteBuffer b, Element e, int count) {
        int width = switch (e.type) {
            case MI_INT8, MI_UINT8 -> 1;
            case MI_INT16, MI_UINT16 -> 2;
            case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
            case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
            default -> throw new IllegalArgumentException("numeric data of type " + e.type);
        };
        int n = Math.min(count, e.size / width);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int p = e.start + i * width;
            v[i] = switch (e.type) {
                case MI_INT8 -> b.get(p);
                case MI_UINT8 -> b.get(p) & 0xff;
                case MI_INT16 -> b.getShort(p);
                case MI_UINT16 -> b.getShort(p) & 0xffff;
                case MI_INT32 -> b.getInt(p);
                case MI_UINT32 -> b.getInt(p) & 0xffffffffL;
                case MI_SINGLE -> b.getFloat(p);
                case MI_DOUBLE -> b.getDouble(p);
                default -> b.getLong(p);
            };
        }
        return v;
    }
}

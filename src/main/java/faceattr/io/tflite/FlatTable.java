package faceattr.io.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A view of one FlatBuffers table: just enough of the wire format to read a TFLite model
 * (tables, vectors of scalars, tables and strings). Every offset is bounds-checked so a corrupt
 * file fails with {@link IndexOutOfBoundsException} instead of reading garbage.
 */
final class FlatTable {
    private final ByteBuffer buf;
    private final int pos;
    private final int vtable;
    private final int vtableSize;

    FlatTable(ByteBuffer buf, int pos) {
        this.buf = buf;
        this.pos = check(buf, pos, 4);
        this.vtable = check(buf, pos - buf.getInt(pos), 4);
        this.vtableSize = buf.getShort(vtable) & 0xffff;
        check(buf, vtable, vtableSize);
    }

    /** @return the root table of a FlatBuffers file */
    static FlatTable root(ByteBuffer buf) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new FlatTable(b, check(b, 0, 4) + b.getInt(0));
    }

    private static int check(ByteBuffer b, int at, int len) {
        if (at < 0 || len < 0 || (long) at + len > b.limit()) {
            throw new IndexOutOfBoundsException("offset " + at + "+" + len + " outside file of " + b.limit() + " bytes");
        }
        return at;
    }

    /** @return absolute position of field i, or -1 when absent */
    private int field(int i) {
        int vo = 4 + 2 * i;
        if (vo + 2 > vtableSize) {
            return -1;
        }
        int off = buf.getShort(vtable + vo) & 0xffff;
        return off == 0 ? -1 : check(buf, pos + off, 1);
    }

    boolean has(int i) {
        return field(i) >= 0;
    }

    int getInt(int i, int dflt) {
        int f = field(i);
        return f < 0 ? dflt : buf.getInt(check(buf, f, 4));
    }

    float getFloat(int i, float dflt) {
        int f = field(i);
        return f < 0 ? dflt : buf.getFloat(check(buf, f, 4));
    }

    int getByte(int i, int dflt) {
        int f = field(i);
        return f < 0 ? dflt : buf.get(f) & 0xff;
    }

    private int indirect(int f) {
        return check(buf, f + buf.getInt(check(buf, f, 4)), 4);
    }

    FlatTable getTable(int i) {
        int f = field(i);
        return f < 0 ? null : new FlatTable(buf, indirect(f));
    }

    String getString(int i) {
        int f = field(i);
        if (f < 0) {
            return null;
        }
        int at = indirect(f);
        int len = buf.getInt(at);
        check(buf, at + 4, len);
        byte[] b = new byte[len];
        buf.get(at + 4, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * @return the length of vector field i, 0 when absent; checked to be non-negative and to fit
     *     in the file at one byte per element at least, so a corrupt length can neither be negative
     *     nor make callers allocate more than the file holds
     */
    int vectorLength(int i) {
        int f = field(i);
        if (f < 0) {
            return 0;
        }
        int at = indirect(f);
        int n = buf.getInt(at);
        if (n < 0) {
            throw new IndexOutOfBoundsException("vector at " + at + " has negative length " + n);
        }
        check(buf, at + 4, n);
        return n;
    }

    private int vectorStart(int i, int elemSize) {
        int at = indirect(field(i));
        int len = buf.getInt(at);
        check(buf, at + 4, (int) Math.min(Integer.MAX_VALUE, (long) len * elemSize));
        return at + 4;
    }

    int[] getIntVector(int i) {
        int n = vectorLength(i);
        if (n == 0) {
            return new int[0];
        }
        int s = vectorStart(i, 4); // bounds-checks all n elements before allocating
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            out[k] = buf.getInt(s + 4 * k);
        }
        return out;
    }

    /** @return a little-endian slice of a ubyte vector, or null when absent */
    ByteBuffer getBytes(int i) {
        int n = vectorLength(i);
        if (n == 0) {
            return null;
        }
        int s = vectorStart(i, 1);
        return buf.slice(s, n).order(ByteOrder.LITTLE_ENDIAN);
    }

    FlatTable getTableElement(int i, int k) {
        int s = vectorStart(i, 4);
        int e = s + 4 * k;
        return new FlatTable(buf, check(buf, e + buf.getInt(e), 4));
    }
}

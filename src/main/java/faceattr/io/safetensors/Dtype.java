package faceattr.io.safetensors;

/**
 * The element types of the safetensors format this reader understands, with their spelling in
 * the header and their size. Float types are decoded to float32, integer types to 64-bit
 * integers. The 8-bit float types and complex types of newer format versions are not supported
 * and are reported as such.
 */
public enum Dtype {
    /** IEEE 754 binary64; narrowed to float32 on read. */
    F64(8, true),
    /** IEEE 754 binary32. */
    F32(4, true),
    /** IEEE 754 binary16; widened to float32 on read (exact). */
    F16(2, true),
    /** bfloat16 (the upper half of a binary32); widened to float32 on read (exact). */
    BF16(2, true),
    /** Signed 64-bit integer. */
    I64(8, false),
    /** Signed 32-bit integer. */
    I32(4, false),
    /** Signed 16-bit integer. */
    I16(2, false),
    /** Signed 8-bit integer. */
    I8(1, false),
    /** Unsigned 64-bit integer; values above {@link Long#MAX_VALUE} are rejected. */
    U64(8, false),
    /** Unsigned 32-bit integer. */
    U32(4, false),
    /** Unsigned 16-bit integer. */
    U16(2, false),
    /** Unsigned 8-bit integer. */
    U8(1, false),
    /** Boolean stored as one byte, 0 or 1. */
    BOOL(1, false);

    private final int size;
    private final boolean floatingPoint;

    Dtype(int size, boolean floatingPoint) {
        this.size = size;
        this.floatingPoint = floatingPoint;
    }

    /** @return bytes per element */
    public int size() {
        return size;
    }

    /** @return true for float types (read as float32), false for integer and boolean types (read as long) */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /**
     * @param name the dtype as spelled in a header, e.g. {@code F32}
     * @return the dtype, or null when this reader does not support it
     */
    public static Dtype fromName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
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
}

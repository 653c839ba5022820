package mpq.tensor;

/**
 * Element types, with their ONNX TensorProto.DataType codes. The float family (float32, float16, bfloat16, double)
 * is held and computed in float32, float16 and bfloat16 values rounded to their type after every op that makes
 * them; the integer family and bool are held exactly in 64-bit integers, normalised to their type's range
 * (two's complement for signed types, uint64 as its bit pattern), so integer arithmetic is exact.
 */
public enum DType {
    FLOAT(1, 32), UINT8(2, 8), INT8(3, 8), UINT16(4, 16), INT16(5, 16), INT32(6, 32), INT64(7, 64), STRING(8, 0),
    BOOL(9, 1), FLOAT16(10, 16), DOUBLE(11, 64), UINT32(12, 32), UINT64(13, 64), BFLOAT16(16, 16), UINT4(21, 4),
    INT4(22, 4);

    public final int onnxCode;
    /** Bits of one value (1 for bool). */
    public final int bits;

    DType(int onnxCode, int bits) {
        this.onnxCode = onnxCode;
        this.bits = bits;
    }

    /** Float32, float16, bfloat16 or double: held in float storage. */
    public boolean isFloat() {
        return this == FLOAT || this == FLOAT16 || this == BFLOAT16 || this == DOUBLE;
    }

    /** Integer types and bool: held in long storage. */
    public boolean isInteger() {
        return !isFloat() && this != STRING;
    }

    public boolean isUnsigned() {
        return switch (this) {
            case UINT4, UINT8, UINT16, UINT32, UINT64, BOOL -> true;
            default -> false;
        };
    }

    /** The smallest value of an integer type of at most 32 bits (what saturation clamps to). */
    public long minValue() {
        return isUnsigned() ? 0 : -(1L << (bits - 1));
    }

    /** The largest value of an integer type of at most 32 bits. */
    public long maxValue() {
        return isUnsigned() ? (1L << bits) - 1 : (1L << (bits - 1)) - 1;
    }

    /** The value v as this integer type holds it: wrapped into its range, bool as 0 or 1. */
    public long wrap(long v) {
        return switch (this) {
            case BOOL -> v != 0 ? 1 : 0;
            case INT4 -> (v << 60) >> 60;
            case UINT4 -> v & 0xf;
            case INT8 -> (byte) v;
            case UINT8 -> v & 0xff;
            case INT16 -> (short) v;
            case UINT16 -> v & 0xffff;
            case INT32 -> (int) v;
            case UINT32 -> v & 0xffffffffL;
            default -> v;
        };
    }

    /** A held integer as a number (uint64 unsigned). */
    public double toDouble(long held) {
        return this == UINT64 && held < 0 ? (double) (held >>> 1) * 2 + (held & 1) : held;
    }

    /**
     * A number converted to this integer type as ONNX Cast does: truncated toward zero, then wrapped (NaN and the
     * infinities, which ONNX leaves undefined, become 0 and the type's extremes).
     */
    public long fromDouble(double v) {
        if (this == BOOL) {
            return v != 0 && !Double.isNaN(v) ? 1 : 0;
        }
        if (Double.isNaN(v)) {
            return 0;
        }
        if (this == UINT64 && v >= 0x1p63) {
            return v >= 0x1p64 ? -1L : (long) (v - 0x1p63) ^ Long.MIN_VALUE;
        }
        return wrap((long) v);
    }

    /** A float32 value rounded to this float type (float16, bfloat16: to nearest even); others unchanged. */
    public float round(float v) {
        return switch (this) {
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BFLOAT16 -> bfloat16(v);
            default -> v;
        };
    }

    private static float bfloat16(float v) {
        if (Float.isNaN(v)) {
            return v;
        }
        int bits = Float.floatToRawIntBits(v);
        bits += 0x7fff + ((bits >>> 16) & 1);   // round to nearest even on the dropped 16 bits
        return Float.intBitsToFloat(bits & 0xffff0000);
    }

    /** The type with this ONNX code, or null when mpq does not know it. */
    public static DType fromOnnx(int code) {
        for (DType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        return null;
    }
}

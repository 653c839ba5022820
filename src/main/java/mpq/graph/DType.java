package mpq.graph;

/**
 * Element types a graph value can have, with their ONNX TensorProto.DataType codes. At run time every value is
 * float32; integer values (shapes, indices, axes) only occur in constant sub-graphs that are folded before running,
 * where they are held exactly as floats up to 2^24 (larger magnitudes only act as "to the end" bounds).
 */
public enum DType {
    FLOAT(1), UINT8(2), INT8(3), UINT16(4), INT16(5), INT32(6), INT64(7), STRING(8), BOOL(9), FLOAT16(10),
    DOUBLE(11), UINT32(12), UINT64(13), BFLOAT16(16), UINT4(21), INT4(22);

    public final int onnxCode;

    DType(int onnxCode) {
        this.onnxCode = onnxCode;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64, UINT4, INT4, BOOL -> true;
            default -> false;
        };
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

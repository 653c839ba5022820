package mpq.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.graph.DType;
import mpq.onnx.proto.Onnx.TensorProto;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** ONNX TensorProto ⇄ mpq tensors. Reads raw_data and the typed fields; refuses external data. */
public final class TensorCodec {
    private TensorCodec() {}

    /** Decodes a tensor; where names it in messages (e.g. "initializer 'conv1.weight' in model.onnx"). */
    public static Attributes.Constant decode(TensorProto t, String where) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String loc = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(e -> e.getValue()).findFirst().orElse("?");
            throw new BadInputException(where + " keeps its data in the external file '" + loc
                    + "'; mpq reads only self-contained models (save the model with all tensors inside the .onnx file)");
        }
        DType type = DType.fromOnnx(t.getDataType());
        if (type == null || type == DType.STRING || type == DType.FLOAT16 || type == DType.BFLOAT16) {
            throw new BadInputException(where + " has element type code " + t.getDataType()
                    + ", which mpq cannot read (float, double, int4/8/16/32/64, uint4/8/16/32/64 and bool are supported)");
        }
        int[] shape = new int[t.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new BadInputException(where + " has invalid dimension " + d);
            }
            shape[i] = (int) d;
        }
        int n = Shapes.size(shape);
        float[] v = new float[n];
        if (t.hasRawData() && (type == DType.INT4 || type == DType.UINT4)) {
            readNibbles(t.getRawData(), type == DType.INT4, v, where);
        } else if (t.hasRawData()) {
            readRaw(t.getRawData(), type, v, where);
        } else {
            int got = switch (type) {
                case FLOAT -> copy(t.getFloatDataCount(), v, i -> t.getFloatData(i));
                case DOUBLE -> copy(t.getDoubleDataCount(), v, i -> (float) t.getDoubleData(i));
                case INT64 -> copy(t.getInt64DataCount(), v, i -> (float) t.getInt64Data(i));
                case UINT32, UINT64 -> copy(t.getUint64DataCount(), v, i -> unsignedToFloat(t.getUint64Data(i)));
                default -> copy(t.getInt32DataCount(), v, i -> (float) t.getInt32Data(i));
            };
            if (got != n) {
                throw new BadInputException(where + " has " + got + " values but its shape " + Shapes.toString(shape)
                        + " needs " + n);
            }
        }
        return new Attributes.Constant(new Tensor(shape, v), type);
    }

    private interface FloatAt {
        float at(int i);
    }

    private static int copy(int count, float[] dst, FloatAt src) {
        for (int i = 0; i < Math.min(count, dst.length); i++) {
            dst[i] = src.at(i);
        }
        return count;
    }

    private static void readRaw(ByteString raw, DType type, float[] dst, String where) {
        int width = switch (type) {
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT, INT32, UINT32 -> 4;
            case INT16, UINT16 -> 2;
            default -> 1;
        };
        if (raw.size() != (long) dst.length * width) {
            throw new BadInputException(where + " has " + raw.size() + " bytes of raw data, its shape needs "
                    + (long) dst.length * width + " (the file may be truncated)");
        }
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = switch (type) {
                case FLOAT -> b.getFloat();
                case DOUBLE -> (float) b.getDouble();
                case INT64 -> (float) b.getLong();
                case UINT64 -> unsignedToFloat(b.getLong());
                case INT32 -> (float) b.getInt();
                case UINT32 -> (float) Integer.toUnsignedLong(b.getInt());
                case INT16 -> (float) b.getShort();
                case UINT16 -> (float) (b.getShort() & 0xffff);
                case INT8 -> (float) b.get();
                case UINT8, BOOL -> (float) (b.get() & 0xff);
                default -> throw new IllegalStateException("unreachable: " + type);
            };
        }
    }

    /** 4-bit values, two per byte, the first in the low nibble. */
    private static void readNibbles(ByteString raw, boolean signed, float[] dst, String where) {
        if (raw.size() != (dst.length + 1) / 2) {
            throw new BadInputException(where + " has " + raw.size() + " bytes of raw data, its shape needs "
                    + (dst.length + 1) / 2 + " (two 4-bit values per byte)");
        }
        for (int i = 0; i < dst.length; i++) {
            int nibble = (raw.byteAt(i / 2) >> (4 * (i % 2))) & 0xf;
            dst[i] = signed && nibble >= 8 ? nibble - 16 : nibble;
        }
    }

    private static float unsignedToFloat(long v) {
        return v >= 0 ? (float) v : (float) (v & Long.MAX_VALUE) + 0x1p63f;
    }

    /** Encodes a float tensor as raw little-endian data. */
    public static TensorProto encodeFloat(String name, Tensor t) {
        return encode(name, new Attributes.Constant(t, DType.FLOAT));
    }

    /**
     * Encodes a constant in its element type as raw little-endian data (4-bit types two to a byte, the first in the
     * low nibble). Integer types take the tensor's values, which must be integers in the type's range.
     */
    public static TensorProto encode(String name, Attributes.Constant c) {
        Tensor t = c.tensor();
        DType type = c.type();
        float[] d = t.data();
        int n = t.size();
        ByteBuffer b;
        if (type == DType.INT4 || type == DType.UINT4) {
            b = ByteBuffer.allocate((n + 1) / 2);
            for (int i = 0; i < n; i += 2) {
                int lo = (int) integer(d[i], type, name) & 0xf;
                int hi = i + 1 < n ? (int) integer(d[i + 1], type, name) & 0xf : 0;
                b.put((byte) (lo | hi << 4));
            }
        } else {
            int width = switch (type) {
                case DOUBLE, INT64, UINT64 -> 8;
                case FLOAT, INT32, UINT32 -> 4;
                case INT16, UINT16 -> 2;
                case INT8, UINT8, BOOL -> 1;
                default -> throw new IllegalArgumentException("cannot encode '" + name + "' of type " + type);
            };
            b = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                switch (type) {
                    case FLOAT -> b.putFloat(d[i]);
                    case DOUBLE -> b.putDouble(d[i]);
                    case INT64, UINT64 -> b.putLong(integer(d[i], type, name));
                    case INT32, UINT32 -> b.putInt((int) integer(d[i], type, name));
                    case INT16, UINT16 -> b.putShort((short) integer(d[i], type, name));
                    default -> b.put((byte) integer(d[i], type, name));
                }
            }
        }
        b.flip();
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(type.onnxCode)
                .setRawData(ByteString.copyFrom(b));
        for (int s : t.shape()) {
            p.addDims(s);
        }
        return p.build();
    }

    /** v as an integer of the type; a value that is not one (or out of range) is a bug in the caller. */
    private static long integer(float v, DType type, String name) {
        long q = (long) v;
        long lo = switch (type) {
            case INT4 -> -8;
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0;
        };
        long hi = switch (type) {
            case INT4 -> 7;
            case UINT4 -> 15;
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 255;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 65535;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xffffffffL;
            case BOOL -> 1;
            default -> Long.MAX_VALUE;
        };
        if (q != v || q < lo || q > hi) {
            throw new IllegalArgumentException("'" + name + "': " + v + " is not a " + type + " value");
        }
        return q;
    }
}

package mpq.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.tensor.DType;
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
        if (type == null || type == DType.STRING) {
            throw new BadInputException(where + " has element type code " + t.getDataType() + " (" + (type == null
                    ? "unknown" : "string") + "), which mpq cannot read: it reads the numeric types and bool");
        }
        int[] shape = new int[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new BadInputException(where + " has invalid dimension " + d);
            }
            shape[i] = (int) d;
            count *= d;
            if (count > Integer.MAX_VALUE - 16) {
                throw new BadInputException(where + " claims shape " + t.getDimsList() + ", more elements than mpq "
                        + "can hold in one tensor");
            }
        }
        int n = (int) count;
        // The data is counted before the tensor is allocated, so a file that claims a huge shape costs nothing.
        long have = available(t, type);
        long need = t.hasRawData() ? rawBytes(type, n) : n;
        if (have != need) {
            String unit = t.hasRawData() ? " bytes of raw data" : " values";
            throw new BadInputException(where + " has " + have + unit + " but its shape " + Shapes.toString(shape)
                    + " needs " + need + (t.hasRawData() && have < need ? " (the file may be truncated)" : ""));
        }
        Tensor v = Tensor.zeros(type, shape, 0);
        if (t.hasRawData() && (type == DType.INT4 || type == DType.UINT4)) {
            readNibbles(t.getRawData(), type, v.ints());
        } else if (t.hasRawData()) {
            readRaw(t.getRawData(), type, v);
        } else {
            switch (type) {
                case FLOAT -> copyFloats(v, i -> t.getFloatData(i));
                case DOUBLE -> copyFloats(v, i -> (float) t.getDoubleData(i));
                // float16 and bfloat16 values sit in int32_data as their 16 bits
                case FLOAT16 -> copyFloats(v, i -> Float.float16ToFloat((short) t.getInt32Data(i)));
                case BFLOAT16 -> copyFloats(v, i -> Float.intBitsToFloat(t.getInt32Data(i) << 16));
                case INT64 -> copyLongs(v, i -> t.getInt64Data(i));
                case UINT32, UINT64 -> copyLongs(v, i -> type.wrap(t.getUint64Data(i)));
                default -> copyLongs(v, i -> type.wrap(t.getInt32Data(i)));
            }
        }
        return new Attributes.Constant(v, type);
    }

    private interface FloatAt {
        float at(int i);
    }

    private interface LongAt {
        long at(int i);
    }

    /** How many values (typed fields) or bytes (raw data) the tensor carries. */
    private static long available(TensorProto t, DType type) {
        if (t.hasRawData()) {
            return t.getRawData().size();
        }
        return switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
    }

    private static long rawBytes(DType type, int n) {
        return type == DType.INT4 || type == DType.UINT4 ? (n + 1L) / 2 : (long) n * width(type);
    }

    private static void copyFloats(Tensor dst, FloatAt src) {
        float[] d = dst.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = src.at(i);
        }
    }

    private static void copyLongs(Tensor dst, LongAt src) {
        long[] d = dst.ints();
        for (int i = 0; i < d.length; i++) {
            d[i] = src.at(i);
        }
    }

    private static int width(DType type) {
        return switch (type) {
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT, INT32, UINT32 -> 4;
            case INT16, UINT16, FLOAT16, BFLOAT16 -> 2;
            default -> 1;
        };
    }

    private static void readRaw(ByteString raw, DType type, Tensor dst) {
        int n = dst.size();
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (type.isFloat()) {
            float[] d = dst.data();
            for (int i = 0; i < n; i++) {
                d[i] = switch (type) {
                    case FLOAT -> b.getFloat();
                    case DOUBLE -> (float) b.getDouble();
                    case FLOAT16 -> Float.float16ToFloat(b.getShort());
                    default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);   // bfloat16
                };
            }
            return;
        }
        long[] d = dst.ints();
        for (int i = 0; i < n; i++) {
            d[i] = switch (type) {
                case INT64, UINT64 -> b.getLong();
                case INT32 -> b.getInt();
                case UINT32 -> Integer.toUnsignedLong(b.getInt());
                case INT16 -> b.getShort();
                case UINT16 -> b.getShort() & 0xffff;
                case INT8 -> b.get();
                case UINT8 -> b.get() & 0xff;
                default -> b.get() != 0 ? 1 : 0;   // bool
            };
        }
    }

    /** 4-bit values, two per byte, the first in the low nibble. */
    private static void readNibbles(ByteString raw, DType type, long[] dst) {
        int n = dst.length;
        for (int i = 0; i < n; i++) {
            dst[i] = type.wrap((raw.byteAt(i / 2) >> (4 * (i % 2))) & 0xf);
        }
    }

    /** Encodes a float tensor as raw little-endian data. */
    public static TensorProto encodeFloat(String name, Tensor t) {
        return encode(name, new Attributes.Constant(t, DType.FLOAT));
    }

    /**
     * Encodes a constant in its element type as raw little-endian data (4-bit types two to a byte, the first in the
     * low nibble).
     */
    public static TensorProto encode(String name, Attributes.Constant c) {
        DType type = c.type();
        Tensor t = c.tensor().to(type);
        int n = t.size();
        ByteBuffer b;
        if (type == DType.INT4 || type == DType.UINT4) {
            long[] d = t.ints();
            b = ByteBuffer.allocate((n + 1) / 2);
            for (int i = 0; i < n; i += 2) {
                int lo = (int) d[i] & 0xf;
                int hi = i + 1 < n ? (int) d[i + 1] & 0xf : 0;
                b.put((byte) (lo | hi << 4));
            }
        } else {
            if (type == DType.STRING) {
                throw new IllegalArgumentException("cannot encode '" + name + "' of type " + type);
            }
            b = ByteBuffer.allocate(n * width(type)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                switch (type) {
                    case FLOAT -> b.putFloat(t.data()[i]);
                    case DOUBLE -> b.putDouble(t.data()[i]);
                    case FLOAT16 -> b.putShort(Float.floatToFloat16(t.data()[i]));
                    case BFLOAT16 -> b.putShort((short) (Float.floatToRawIntBits(t.data()[i]) >>> 16));
                    case INT64, UINT64 -> b.putLong(t.ints()[i]);
                    case INT32, UINT32 -> b.putInt((int) t.ints()[i]);
                    case INT16, UINT16 -> b.putShort((short) t.ints()[i]);
                    default -> b.put((byte) t.ints()[i]);
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
}

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
        if (type == null || type == DType.STRING || type == DType.FLOAT16 || type == DType.BFLOAT16
                || type == DType.UINT4 || type == DType.INT4) {
            throw new BadInputException(where + " has element type code " + t.getDataType()
                    + ", which mpq cannot read (float, double, int8/16/32/64, uint8/16/32/64 and bool are supported)");
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
        if (t.hasRawData()) {
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

    private static float unsignedToFloat(long v) {
        return v >= 0 ? (float) v : (float) (v & Long.MAX_VALUE) + 0x1p63f;
    }

    /** Encodes a float tensor as raw little-endian data. */
    public static TensorProto encodeFloat(String name, Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) {
            b.putFloat(d[i]);
        }
        b.flip();
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(DType.FLOAT.onnxCode)
                .setRawData(ByteString.copyFrom(b));
        for (int s : t.shape()) {
            p.addDims(s);
        }
        return p.build();
    }
}

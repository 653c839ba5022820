package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.FakeQuant;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * ONNX QuantizeLinear (y = saturate(round_half_even(x / scale) + zero_point)) and DequantizeLinear
 * (y = (x − zero_point) · scale), per tensor or per slice along axis, so mpq runs the models it exports and
 * already-quantized ones. The integer type, and with it the saturation range, is the zero point's (QuantizeLinear:
 * or output_dtype; default uint8). Blocked quantization (block_size) is not supported. A QuantizeLinear read only
 * by a DequantizeLinear with the same parameters runs as one round trip (see {@link Ops#quantizeDequantize}):
 * y = (saturate(round(x / scale) + zero_point) − zero_point) · scale, in float, without the integer tensor.
 */
final class LinearQuantOp implements Op {
    private final boolean quantize;
    private final boolean roundTrip;
    private final int axisAttr;
    private final int outputDtype;
    private DType intType;
    private int outer, channels, inner;

    LinearQuantOp(boolean quantize, Attributes a) {
        this(quantize, false, a);
    }

    LinearQuantOp(boolean quantize, boolean roundTrip, Attributes a) {
        this.quantize = quantize;
        this.roundTrip = roundTrip;
        this.axisAttr = a.getInt("axis", 1);
        this.outputDtype = a.getInt("output_dtype", 0);
        if (a.getLong("block_size", 0) != 0) {
            throw new IllegalArgumentException("blocked quantization (block_size) is not supported");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "x");
        ValueMeta scale = Args.input(in, 1, "scale");
        ValueMeta zp = Args.optional(in, 2);
        intType = quantize ? (zp != null ? zp.type() : outputDtype != 0 ? DType.fromOnnx(outputDtype) : DType.UINT8)
                : x.type();
        if (quantize && (intType == null || range(intType) == null)) {
            throw new IllegalArgumentException("quantizing to " + intType + " is not supported (int4/8/16, uint4/8/16)");
        }
        int[] s = x.shape();
        int n = scale.size();
        if (zp != null && zp.size() != n) {
            throw new IllegalArgumentException("zero_point has " + zp.size() + " values, scale has " + n);
        }
        if (n == 1 && scale.rank() <= 1) {
            outer = 1;
            channels = 1;
            inner = x.size();
        } else {
            if (scale.rank() != 1) {
                throw new IllegalArgumentException("scale must be a scalar or 1-D, got " + Shapes.toString(scale.shape()));
            }
            int[] layout = Args.axisLayout(s, axisAttr, n, "scale has " + n);
            outer = layout[0];
            channels = layout[1];
            inner = layout[2];
        }
        if (!quantize && x.type().isFloat()) {
            throw new IllegalArgumentException("DequantizeLinear takes integers, got " + x.type());
        }
        return List.of(ValueMeta.of(s, quantize && !roundTrip ? intType : scale.type()));
    }

    /** [min, max] of an integer type QuantizeLinear can produce, or null. */
    private static float[] range(DType t) {
        return switch (t) {
            case INT4 -> new float[] {-8, 7};
            case UINT4 -> new float[] {0, 15};
            case INT8 -> new float[] {-128, 127};
            case UINT8 -> new float[] {0, 255};
            case INT16 -> new float[] {-32768, 32767};
            case UINT16 -> new float[] {0, 65535};
            default -> null;
        };
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor scale = in[1];
        Tensor zp = in.length > 2 && in[2] != null ? in[2] : null;
        float[] r = quantize ? range(intType) : null;
        par.forEach(outer * channels, (w, item) -> {
            int c = item % channels;
            float s = scale.get(c), z = zp == null ? 0 : (float) zp.getDouble(c);
            int from = item * inner, to = from + inner;
            if (roundTrip) {
                float[] x = in[0].data(), y = out[0].data();
                float lo = r[0] - z, hi = r[1] - z;
                for (int i = from; i < to; i++) {
                    y[i] = FakeQuant.level(x[i], s, lo, hi) * s;
                }
            } else if (quantize) {
                float[] x = in[0].data();
                long[] y = out[0].ints();
                float lo = r[0] - z, hi = r[1] - z;
                for (int i = from; i < to; i++) {
                    y[i] = (long) (FakeQuant.level(x[i], s, lo, hi) + z);
                }
            } else {
                long[] x = in[0].ints();
                float[] y = out[0].data();
                for (int i = from; i < to; i++) {
                    y[i] = ((float) x[i] - z) * s;
                }
            }
        });
    }
}

package mpq.graph.op;

import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/** What the integer ops (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv) share: zero points and requantizing. */
final class Requantize {
    private Requantize() {}

    /** A zero point or scale input must be a scalar or hold one value per slice (count); else names what it is. */
    static void requireScalarOr(ValueMeta m, int count, String what) {
        if (m != null && m.size() != 1 && m.size() != count) {
            throw new IllegalArgumentException(what + " has " + m.size() + " values; expected 1 or " + count);
        }
    }

    /** Value i of an optional per-tensor or per-slice integer input (0 when absent). */
    static long intAt(Tensor t, int i) {
        return t == null ? 0 : t.getLong(t.size() == 1 ? 0 : i);
    }

    /** Value i of a per-tensor or per-slice float input. */
    static double floatAt(Tensor t, int i) {
        return t.getDouble(t.size() == 1 ? 0 : i);
    }

    /** saturate(round_half_even(acc · multiplier) + zeroPoint) in the output integer type. */
    static long toOutput(long acc, double multiplier, long zeroPoint, DType type) {
        double q = Math.rint(acc * multiplier) + zeroPoint;
        return (long) Math.max(type.minValue(), Math.min(type.maxValue(), q));
    }
}

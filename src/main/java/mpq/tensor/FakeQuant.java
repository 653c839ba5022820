package mpq.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Quantize-then-dequantize on an integer grid, with the semantics of ONNX QuantizeLinear followed by
 * DequantizeLinear: q = saturate(round_half_even(x / scale) + zeroPoint, qmin, qmax), y = (q − zeroPoint) · scale.
 *
 * <p>The saturation is applied before rounding (the bounds are integers, so the result is the same), which keeps the
 * value small enough for the add-and-subtract rounding trick below.
 */
public final class FakeQuant {
    private FakeQuant() {}

    private static final VectorSpecies<Float> S = Simd.F;

    /**
     * 1.5 · 2^23. For |v| < 2^22, (v + M) − M is v rounded to an integer, ties to even, in float32 arithmetic —
     * the rounding of QuantizeLinear, without a per-element branch.
     */
    private static final float ROUND = 12582912f;

    /** The largest bit-width whose grid the rounding trick covers. */
    public static final int MAX_BITS = 16;

    /**
     * y[i] = fake-quantized x[i] for i in [from, to); x and y may be the same array. lo and hi are the grid limits
     * minus the zero point (qmin − zp and qmax − zp), so the work is in units of the step.
     */
    public static void apply(float[] x, float[] y, int from, int to, float scale, float lo, float hi) {
        int i = from;
        if (Simd.ENABLED) {
            int bound = from + S.loopBound(to - from);
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, i).div(scale).max(lo).min(hi);
                v.add(ROUND).sub(ROUND).mul(scale).intoArray(y, i);
            }
        }
        for (; i < to; i++) {
            y[i] = quantizeDequantize(x[i], scale, lo, hi);
        }
    }

    /** One value; the scalar definition the vector loop follows. */
    public static float quantizeDequantize(float x, float scale, float lo, float hi) {
        float v = Math.min(hi, Math.max(lo, x / scale));
        return ((v + ROUND) - ROUND) * scale;
    }

    /** The integer q − zeroPoint that x maps to (as a float), for reports and export. */
    public static float level(float x, float scale, float lo, float hi) {
        float v = Math.min(hi, Math.max(lo, x / scale));
        return (v + ROUND) - ROUND;
    }
}

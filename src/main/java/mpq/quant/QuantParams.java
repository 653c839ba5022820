package mpq.quant;

import java.util.Arrays;
import mpq.tensor.FakeQuant;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * How one tensor is quantized: its grid, whether the grid is symmetric about zero, and one scale and zero point per
 * tensor (axis −1) or per slice along an axis (per-channel). Zero is always exactly representable.
 */
public record QuantParams(IntGrid grid, boolean symmetric, float[] scales, int[] zeroPoints, int axis) {
    public QuantParams {
        scales = scales.clone();
        zeroPoints = zeroPoints.clone();
        if (scales.length != zeroPoints.length || scales.length == 0) {
            throw new IllegalArgumentException("need one zero point per scale");
        }
        if (axis < 0 && scales.length != 1) {
            throw new IllegalArgumentException("per-tensor parameters have one scale, got " + scales.length);
        }
    }

    @Override
    public float[] scales() {
        return scales.clone();
    }

    @Override
    public int[] zeroPoints() {
        return zeroPoints.clone();
    }

    public boolean perChannel() {
        return axis >= 0;
    }

    public float scale(int channel) {
        return scales[channel];
    }

    public int zeroPoint(int channel) {
        return zeroPoints[channel];
    }

    /** Parameters for one range per channel (axis ≥ 0) or a single range (axis −1). */
    public static QuantParams of(IntGrid grid, boolean symmetric, Range[] ranges, int axis) {
        float[] s = new float[ranges.length];
        int[] z = new int[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            Range r = ranges[i];
            if (symmetric) {
                double top = grid.signed() ? r.maxAbs() : Math.max(0, r.hi());
                s[i] = safeScale(top / grid.qmax());
                z[i] = 0;
            } else {
                double lo = Math.min(0, r.lo()), hi = Math.max(0, r.hi());
                s[i] = safeScale((hi - lo) / (grid.qmax() - grid.qmin()));
                long zp = Math.round(grid.qmin() - lo / s[i]);
                z[i] = (int) Math.max(grid.qmin(), Math.min(grid.qmax(), zp));
            }
        }
        return new QuantParams(grid, symmetric, s, z, axis);
    }

    public static QuantParams of(IntGrid grid, boolean symmetric, Range range) {
        return of(grid, symmetric, new Range[] {range}, -1);
    }

    /** A zero or tiny range maps everything to zero; any positive scale does that, so use 1. */
    private static float safeScale(double s) {
        return s >= 1e-30 && Double.isFinite(s) ? (float) s : 1f;
    }

    /** Lower grid limit minus the zero point of a channel, in steps. */
    public float lowSteps(int channel) {
        return grid.qmin() - zeroPoints[channel];
    }

    public float highSteps(int channel) {
        return grid.qmax() - zeroPoints[channel];
    }

    /** The clipping range a channel represents: [(qmin − zp)·s, (qmax − zp)·s]. */
    public Range range(int channel) {
        return new Range(lowSteps(channel) * (double) scales[channel], highSteps(channel) * (double) scales[channel]);
    }

    /** One value quantized and dequantized with a channel's parameters. */
    public float apply(float x, int channel) {
        return FakeQuant.quantizeDequantize(x, scales[channel], lowSteps(channel), highSteps(channel));
    }

    /** A quantized-dequantized copy of t (axis, when per-channel, indexes t's dimensions). */
    public Tensor apply(Tensor t) {
        float[] x = t.data(), y = new float[t.size()];
        forEachBlock(t, (from, to, c) -> FakeQuant.apply(x, y, from, to, scales[c], lowSteps(c), highSteps(c)));
        return new Tensor(t.shape(), y);
    }

    /** The integers t quantizes to (q = level + zero point, held as floats): what an integer model stores. */
    public Tensor levels(Tensor t) {
        float[] x = t.data(), q = new float[t.size()];
        forEachBlock(t, (from, to, c) -> {
            for (int i = from; i < to; i++) {
                q[i] = FakeQuant.level(x[i], scales[c], lowSteps(c), highSteps(c)) + zeroPoints[c];
            }
        });
        return new Tensor(t.shape(), q);
    }

    /** The values stored integers q (held as ints, shape as t's) stand for: (q − zero point) · scale. */
    public Tensor dequantize(int[] q, int[] shape) {
        Tensor t = new Tensor(shape, new float[q.length]);
        float[] y = t.data();
        forEachBlock(t, (from, to, c) -> {
            for (int i = from; i < to; i++) {
                y[i] = (q[i] - zeroPoints[c]) * scales[c];
            }
        });
        return t;
    }

    /** For each element of a tensor of this shape, the channel whose parameters it takes (all 0 per-tensor). */
    public int[] channelOf(int[] shape) {
        Tensor t = new Tensor(shape, new float[Shapes.size(shape)]);
        int[] c = new int[t.size()];
        forEachBlock(t, (from, to, ch) -> Arrays.fill(c, from, to, ch));
        return c;
    }

    /** Elements [from, to) of a tensor that share channel c's parameters. */
    private interface Block {
        void run(int from, int to, int c);
    }

    /** The tensor in runs of one channel each (one run for per-tensor parameters). */
    private void forEachBlock(Tensor t, Block block) {
        if (!perChannel()) {
            block.run(0, t.size(), 0);
            return;
        }
        int[] s = t.shape();
        if (s[axis] != scales.length) {
            throw new IllegalArgumentException("axis " + axis + " of " + Shapes.toString(s) + " does not have "
                    + scales.length + " channels");
        }
        int inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
        int blocks = t.size() / inner;
        for (int b = 0; b < blocks; b++) {
            block.run(b * inner, (b + 1) * inner, b % scales.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantParams p && p.grid.equals(grid) && p.symmetric == symmetric && p.axis == axis
                && Arrays.equals(p.scales, scales) && Arrays.equals(p.zeroPoints, zeroPoints);
    }

    @Override
    public int hashCode() {
        return grid.hashCode() * 31 + Arrays.hashCode(scales) * 7 + Arrays.hashCode(zeroPoints) + axis;
    }

    @Override
    public String toString() {
        return grid + (symmetric ? " symmetric" : " affine") + (perChannel() ? " per-channel(axis " + axis + ")" : "")
                + " scale " + (scales.length == 1 ? Float.toString(scales[0]) : scales.length + " values");
    }
}

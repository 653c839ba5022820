package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.FakeQuant;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * mpq.FakeQuant: QuantizeLinear followed by DequantizeLinear in one step, on any integer grid [qmin, qmax] (so 3- or
 * 6-bit grids too). Attributes: scales (floats), zero_points (ints), qmin, qmax, and axis when there is more than
 * one scale (per-channel). The quantization passes insert it; ONNX export turns it into a standard QDQ pair.
 *
 * <p>An optional second input holds the scales as a tensor (one per attribute scale) and then replaces them, so
 * that a step size can be learned: the backward pass gives its gradient as learned step-size quantization defines
 * it, ∂y/∂s = q − x/s inside the grid's range and the limit outside.
 */
final class FakeQuantOp implements Op {
    static final String TYPE = "FakeQuant";

    /** Elements per parallel work item for per-tensor grids: big enough to amortise the hand-off. */
    private static final int CHUNK = 1 << 14;

    private final float[] scales;
    private final float[] lo, hi;   // qmin − zp and qmax − zp per scale
    private final int axisAttr;
    private int outer, channels, inner, size;

    FakeQuantOp(Attributes a) {
        scales = a.getFloats("scales", null);
        int[] zp = a.getInts("zero_points", null);
        if (scales == null || scales.length == 0) {
            throw new IllegalArgumentException("attribute 'scales' is required");
        }
        if (zp == null || zp.length != scales.length) {
            throw new IllegalArgumentException("attribute 'zero_points' must have one value per scale ("
                    + scales.length + ")");
        }
        long qmin = a.getLong("qmin", Long.MIN_VALUE), qmax = a.getLong("qmax", Long.MIN_VALUE);
        if (qmin == Long.MIN_VALUE || qmax == Long.MIN_VALUE || qmin >= qmax
                || qmax - qmin >= (1L << FakeQuant.MAX_BITS)) {
            throw new IllegalArgumentException("attributes qmin < qmax are required and may span at most "
                    + FakeQuant.MAX_BITS + " bits");
        }
        lo = new float[scales.length];
        hi = new float[scales.length];
        for (int i = 0; i < scales.length; i++) {
            if (!(scales[i] > 0) || Float.isInfinite(scales[i])) {
                throw new IllegalArgumentException("scale " + i + " must be positive and finite, got " + scales[i]);
            }
            if (zp[i] < qmin || zp[i] > qmax) {
                throw new IllegalArgumentException("zero point " + zp[i] + " lies outside [" + qmin + ", " + qmax + "]");
            }
            lo[i] = qmin - zp[i];
            hi[i] = qmax - zp[i];
        }
        axisAttr = a.getInt("axis", 1);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        if (in.size() > 1 && in.get(1) != null && in.get(1).size() != scales.length) {
            throw new IllegalArgumentException("input 'scales' has " + in.get(1).size() + " values, the attribute "
                    + scales.length);
        }
        int[] s = x.shape();
        size = x.size();
        if (scales.length == 1) {
            outer = 1;
            channels = 1;
            inner = size;
        } else {
            int[] layout = Args.axisLayout(s, axisAttr, scales.length, "there are " + scales.length + " scales");
            outer = layout[0];
            channels = layout[1];
            inner = layout[2];
        }
        return List.of(ValueMeta.of(s, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        float[] scales = scales(in);
        if (scales.length == 1) {
            int chunks = (size + CHUNK - 1) / CHUNK;
            par.forEach(chunks, (w, c) -> FakeQuant.apply(x, y, c * CHUNK, Math.min(size, (c + 1) * CHUNK),
                    scales[0], lo[0], hi[0]));
            return;
        }
        par.forEach(outer * channels, (w, item) -> {
            int c = item % channels;
            int from = item * inner;
            FakeQuant.apply(x, y, from, from + inner, scales[c], lo[c], hi[c]);
        });
    }

    /** Straight-through: the gradient passes where x lies inside the grid's range and stops where it saturates. */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] x = in[0].data(), dy = gradOut[0].data();
        float[] dx = gradIn[0] == null ? null : gradIn[0].data();
        float[] ds = gradIn.length > 1 && gradIn[1] != null ? gradIn[1].data() : null;
        float[] scales = scales(in);
        int blocks = scales.length == 1 ? 1 : outer * channels;
        int len = scales.length == 1 ? size : inner;
        for (int blk = 0; blk < blocks; blk++) {
            int c = scales.length == 1 ? 0 : blk % channels;
            float s = scales[c], l = lo[c], h = hi[c];
            double step = 0;
            for (int i = blk * len, end = i + len; i < end; i++) {
                float v = x[i] / s;
                if (v >= l && v <= h) {
                    if (dx != null) {
                        dx[i] += dy[i];
                    }
                    step += dy[i] * (FakeQuant.level(x[i], s, l, h) - v);   // rounded minus exact
                } else {
                    step += dy[i] * (v < l ? l : h);
                }
            }
            if (ds != null) {
                ds[c] += (float) step;
            }
        }
    }

    /** The scales in force: the second input's when given (checked positive), else the attribute's. */
    private float[] scales(Tensor[] in) {
        if (in.length < 2 || in[1] == null) {
            return scales;
        }
        float[] s = java.util.Arrays.copyOf(in[1].data(), scales.length);
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] > 0) || Float.isInfinite(s[i])) {
                throw new IllegalArgumentException("input scale " + i + " must be positive and finite, got " + s[i]);
            }
        }
        return s;
    }
}

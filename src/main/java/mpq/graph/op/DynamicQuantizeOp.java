package mpq.graph.op;

import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * DynamicQuantizeLinear: uint8 quantization with the range of the data itself, widened to hold 0:
 * scale = (max(0, max x) − min(0, min x)) / 255, zero point = saturate(round(−min / scale)),
 * y = saturate(round(x / scale) + zero point), rounding half to even. Outputs y, y_scale, y_zero_point.
 */
final class DynamicQuantizeOp implements Op {
    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "x");
        if (x.type() != DType.FLOAT) {
            throw new IllegalArgumentException("DynamicQuantizeLinear takes float32, got " + x.type());
        }
        return List.of(ValueMeta.of(x.shape(), DType.UINT8), ValueMeta.of(new int[0], DType.FLOAT),
                ValueMeta.of(new int[0], DType.UINT8));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data();
        int n = in[0].size();
        float lo = 0, hi = 0;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, x[i]);
            hi = Math.max(hi, x[i]);
        }
        float scale = (hi - lo) / 255f;
        long zp = scale == 0 ? 0 : (long) Math.max(0, Math.min(255, Math.rint(-lo / scale)));
        long[] y = out[0].ints();
        for (int i = 0; i < n; i++) {
            y[i] = scale == 0 ? zp : (long) Math.max(0, Math.min(255, Math.rint(x[i] / scale) + zp));
        }
        if (out.length > 1 && out[1] != null) {
            out[1].data()[0] = scale;
        }
        if (out.length > 2 && out[2] != null) {
            out[2].ints()[0] = zp;
        }
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.DType;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** Cast between the numeric types: to an integer type truncates toward zero, to bool tests for non-zero. */
final class CastOp implements Op {
    private final DType to;

    CastOp(Attributes a) {
        int code = a.getInt("to", 0);
        to = DType.fromOnnx(code);
        if (to == null || to == DType.STRING) {
            throw new IllegalArgumentException("Cast to type code " + code + " is not supported");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        return List.of(ValueMeta.of(Args.input(in, 0, "input").shape(), to));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        int n = in[0].size();
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = to == DType.BOOL ? (v != 0f ? 1f : 0f) : to.isInteger() ? (float) (long) v : v;
        }
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** ArgMax and ArgMin along one axis (keepdims, select_last_index), as int64 indices. */
final class ArgReduceOp implements Op {
    private final boolean max, keepDims, last;
    private final int axisAttr;
    private int outer, dim, inner;

    ArgReduceOp(boolean max, Attributes a) {
        this.max = max;
        this.keepDims = a.getInt("keepdims", 1) != 0;
        this.last = a.getInt("select_last_index", 0) != 0;
        this.axisAttr = a.getInt("axis", 0);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        int[] s = Args.input(in, 0, "data").shape();
        int axis = Shapes.axis(axisAttr, s.length);
        outer = Shapes.product(s, 0, axis);
        dim = s[axis];
        inner = Shapes.product(s, axis + 1, s.length);
        int[] out = keepDims ? s.clone() : new int[s.length - 1];
        if (keepDims) {
            out[axis] = 1;
        } else {
            for (int d = 0, j = 0; d < s.length; d++) {
                if (d != axis) {
                    out[j++] = s[d];
                }
            }
        }
        return List.of(ValueMeta.of(out, DType.INT64));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor x = in[0];
        long[] y = out[0].ints();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                double bv = x.getDouble(o * dim * inner + i);
                for (int k = 1; k < dim; k++) {
                    double v = x.getDouble((o * dim + k) * inner + i);
                    boolean better = max ? (last ? v >= bv : v > bv) : (last ? v <= bv : v < bv);
                    if (better) {
                        best = k;
                        bv = v;
                    }
                }
                y[o * inner + i] = best;
            }
        }
    }
}

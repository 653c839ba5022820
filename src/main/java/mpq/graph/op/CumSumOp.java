package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** CumSum along an axis (an input), inclusive or exclusive, forward or reverse. */
final class CumSumOp implements Op {
    private final boolean exclusive, reverse;
    private int outer, dim, inner;

    CumSumOp(Attributes a) {
        this.exclusive = a.getInt("exclusive", 0) != 0;
        this.reverse = a.getInt("reverse", 0) != 0;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "x");
        int[] s = x.shape();
        int axis = Shapes.axis((int) Args.constantScalar(Args.input(in, 1, "axis"), "axis"), s.length);
        outer = Shapes.product(s, 0, axis);
        dim = s[axis];
        inner = Shapes.product(s, axis + 1, s.length);
        return List.of(ValueMeta.of(s, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor x = in[0], y = out[0];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double fsum = 0;
                long lsum = 0;
                for (int j = 0; j < dim; j++) {
                    int jj = reverse ? dim - 1 - j : j;
                    int at = (o * dim + jj) * inner + i;
                    if (x.isFloat()) {
                        double v = x.data()[at];
                        if (!exclusive) {
                            fsum += v;
                        }
                        y.data()[at] = (float) fsum;
                        if (exclusive) {
                            fsum += v;
                        }
                    } else {
                        long v = x.ints()[at];
                        if (!exclusive) {
                            lsum += v;
                        }
                        y.ints()[at] = x.type().wrap(lsum);
                        if (exclusive) {
                            lsum += v;
                        }
                    }
                }
            }
        }
    }
}

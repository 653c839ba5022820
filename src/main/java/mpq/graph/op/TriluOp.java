package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** Trilu: the upper (or lower) triangle of the last two axes, above (or below) diagonal k; the rest zero. */
final class TriluOp implements Op {
    private final boolean upper;
    private int rows, cols;
    private long k;

    TriluOp(Attributes a) {
        this.upper = a.getInt("upper", 1) != 0;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "input");
        Args.requireRank(x, 2, Integer.MAX_VALUE, "input");
        int[] s = x.shape();
        rows = s[s.length - 2];
        cols = s[s.length - 1];
        ValueMeta kk = Args.optional(in, 1);
        k = kk == null ? 0 : (long) Args.constantScalar(kk, "k");
        return List.of(ValueMeta.of(s, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        in[0].copyInto(out[0]);
        int n = out[0].size();
        for (int i = 0; i < n; i++) {
            int r = (i / cols) % rows, c = i % cols;
            boolean keep = upper ? c - r >= k : c - r <= k;
            if (!keep) {
                if (out[0].isFloat()) {
                    out[0].data()[i] = 0;
                } else {
                    out[0].ints()[i] = 0;
                }
            }
        }
    }
}

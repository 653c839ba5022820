package mpq.graph.op;

import java.util.ArrayList;
import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * NonZero: the indices of the non-zero elements, one row per axis. Its output's shape depends on the values, so
 * its input must be known when the graph is planned (a constant, or a small input planned by value).
 */
final class NonZeroOp implements Op {
    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        if (!x.isConstant()) {
            throw new IllegalArgumentException("NonZero's output shape depends on its input's values, which must be "
                    + "known before running");
        }
        Tensor t = x.constant();
        int[] s = t.shape();
        int[] strides = Shapes.strides(s);
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (t.getDouble(i) != 0) {
                hits.add(i);
            }
        }
        int r = s.length;
        long[] out = new long[r * hits.size()];
        for (int j = 0; j < hits.size(); j++) {
            int rem = hits.get(j);
            for (int d = 0; d < r; d++) {
                out[d * hits.size() + j] = rem / strides[d];
                rem %= strides[d];
            }
        }
        return List.of(ValueMeta.constant(new Tensor(DType.INT64, new int[] {r, hits.size()}, out), DType.INT64));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        throw new IllegalStateException("NonZero is always folded");
    }
}

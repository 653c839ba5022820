package mpq.graph.op;

import java.util.Arrays;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** TopK along an axis: the k largest (or smallest) values and their int64 indices, sorted or in index order. */
final class TopKOp implements Op {
    private final int axisAttr;
    private final boolean largest, sorted;
    private int k, outer, dim, inner;

    TopKOp(Attributes a) {
        this.axisAttr = a.getInt("axis", -1);
        this.largest = a.getInt("largest", 1) != 0;
        this.sorted = a.getInt("sorted", 1) != 0;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        k = (int) Args.constantScalar(Args.input(in, 1, "K"), "K");
        int[] s = x.shape();
        int axis = Shapes.axis(axisAttr, s.length);
        if (k < 0 || k > s[axis]) {
            throw new IllegalArgumentException("K = " + k + " for an axis of size " + s[axis]);
        }
        outer = Shapes.product(s, 0, axis);
        dim = s[axis];
        inner = Shapes.product(s, axis + 1, s.length);
        int[] out = s.clone();
        out[axis] = k;
        return List.of(ValueMeta.of(out, x.type()), ValueMeta.of(out, DType.INT64));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor x = in[0];
        long[] indices = out[1].ints();
        Integer[] order = new Integer[dim];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * dim * inner + i;
                for (int j = 0; j < dim; j++) {
                    order[j] = j;
                }
                // by value (larger first when largest), ties by the lower index
                Arrays.sort(order, (p, q) -> {
                    int c = Double.compare(x.getDouble(base + p * inner), x.getDouble(base + q * inner));
                    return c != 0 ? (largest ? -c : c) : Integer.compare(p, q);
                });
                Integer[] top = Arrays.copyOf(order, k);
                if (!sorted) {
                    Arrays.sort(top);
                }
                for (int j = 0; j < k; j++) {
                    int dst = (o * k + j) * inner + i;
                    x.copyElement(base + top[j] * inner, out[0], dst);
                    indices[dst] = top[j];
                }
            }
        }
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** OneHot(indices, depth, values[off, on]) with a new axis (default last); negative indices count from depth. */
final class OneHotOp implements Op {
    private final int axisAttr;
    private int depth, outer, inner;

    OneHotOp(Attributes a) {
        this.axisAttr = a.getInt("axis", -1);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta idx = Args.input(in, 0, "indices");
        depth = (int) Args.constantScalar(Args.input(in, 1, "depth"), "depth");
        ValueMeta values = Args.input(in, 2, "values");
        int[] s = idx.shape();
        int axis = Shapes.axis(axisAttr, s.length + 1);
        int[] out = new int[s.length + 1];
        for (int d = 0, j = 0; d < out.length; d++) {
            out[d] = d == axis ? depth : s[j++];
        }
        outer = Shapes.product(s, 0, axis);
        inner = Shapes.product(s, axis, s.length);
        return List.of(ValueMeta.of(out, values.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor idx = in[0], values = in[2], y = out[0];
        for (int i = 0; i < y.size(); i++) {
            values.copyElement(0, y, i);
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                long k = (long) idx.getDouble(o * inner + i);
                k = k < 0 ? k + depth : k;
                if (k >= 0 && k < depth) {
                    values.copyElement(1, y, (o * depth + (int) k) * inner + i);
                }
            }
        }
    }
}

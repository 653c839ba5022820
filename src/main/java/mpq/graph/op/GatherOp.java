package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** Gather along an axis with integer indices (negative ones count from the end). */
final class GatherOp implements Op {
    private final int axisAttr;
    private int outer, dim, inner, count;

    GatherOp(Attributes a) {
        axisAttr = a.getInt("axis", 0);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta data = Args.input(in, 0, "data");
        ValueMeta idx = Args.input(in, 1, "indices");
        int[] s = data.shape();
        int axis = Shapes.axis(axisAttr, s.length);
        outer = Shapes.product(s, 0, axis);
        dim = s[axis];
        inner = Shapes.product(s, axis + 1, s.length);
        count = idx.size();
        int[] is = idx.shape();
        int[] out = new int[s.length - 1 + is.length];
        int j = 0;
        for (int d = 0; d < axis; d++) {
            out[j++] = s[d];
        }
        for (int d : is) {
            out[j++] = d;
        }
        for (int d = axis + 1; d < s.length; d++) {
            out[j++] = s[d];
        }
        return List.of(ValueMeta.of(out, data.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor ind = in[1];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < count; i++) {
                long k = ind.getLong(i);
                if (k < 0) {
                    k += dim;
                }
                if (k < 0 || k >= dim) {
                    throw new IllegalArgumentException("Gather index " + ind.getLong(i) + " out of range for size " + dim);
                }
                in[0].copyRange((o * dim + (int) k) * inner, out[0], (o * count + i) * inner, inner);
            }
        }
    }

    /** The data gradient: each gathered slice's gradient is added back where it was read (indices get none). */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (gradIn[0] == null) {
            return;
        }
        Tensor ind = in[1];
        float[] dy = gradOut[0].data(), dx = gradIn[0].data();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < count; i++) {
                int k = (int) ind.getLong(i);
                k = k < 0 ? k + dim : k;
                int src = (o * count + i) * inner, dst = (o * dim + k) * inner;
                for (int e = 0; e < inner; e++) {
                    dx[dst + e] += dy[src + e];
                }
            }
        }
    }
}

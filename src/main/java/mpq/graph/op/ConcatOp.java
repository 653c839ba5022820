package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** Concat along one axis. */
final class ConcatOp implements Op {
    private final int axisAttr;
    private int outer, outRow;
    private int[] rows;   // per input: elements per outer index

    ConcatOp(Attributes a) {
        if (!a.has("axis")) {
            throw new IllegalArgumentException("Concat needs axis");
        }
        axisAttr = a.getInt("axis", 0);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta first = Args.input(in, 0, "inputs");
        int r = first.rank();
        int axis = Shapes.axis(axisAttr, Math.max(1, r));
        int[] out = first.shape();
        out[axis] = 0;
        rows = new int[in.size()];
        for (int i = 0; i < in.size(); i++) {
            ValueMeta m = Args.input(in, i, "inputs");
            if (m.type() != first.type()) {
                throw new IllegalArgumentException("Concat inputs of types " + first.type() + " and " + m.type());
            }
            int[] s = m.shape();
            if (s.length != r) {
                throw new IllegalArgumentException("Concat inputs differ in rank");
            }
            for (int d = 0; d < r; d++) {
                if (d != axis && s[d] != out[d]) {
                    throw new IllegalArgumentException("Concat input " + i + " has shape " + Shapes.toString(s)
                            + ", which differs from " + Shapes.toString(first.shape()) + " outside axis " + axis);
                }
            }
            out[axis] += s[axis];
            rows[i] = Shapes.product(s, axis, r);
        }
        outer = Shapes.product(out, 0, axis);
        outRow = Shapes.product(out, axis, r);
        return List.of(ValueMeta.of(out, first.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        for (int o = 0; o < outer; o++) {
            int dst = o * outRow;
            for (int i = 0; i < in.length; i++) {
                in[i].copyRange(o * rows[i], out[0], dst, rows[i]);
                dst += rows[i];
            }
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] dy = gradOut[0].data();
        for (int o = 0; o < outer; o++) {
            int src = o * outRow;
            for (int i = 0; i < in.length; i++) {
                if (gradIn[i] != null) {
                    float[] dx = gradIn[i].data();
                    for (int e = 0; e < rows[i]; e++) {
                        dx[o * rows[i] + e] += dy[src + e];
                    }
                }
                src += rows[i];
            }
        }
    }
}

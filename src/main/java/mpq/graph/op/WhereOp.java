package mpq.graph.op;

import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/** Where(condition, X, Y): X where the condition holds, else Y, all three broadcast together. */
final class WhereOp implements Op {
    private int[] outShape, cs, xs, ys;

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta c = Args.input(in, 0, "condition"), x = Args.input(in, 1, "X"), y = Args.input(in, 2, "Y");
        if (c.type() != DType.BOOL) {
            throw new IllegalArgumentException("the condition must be bool, got " + c.type());
        }
        if (x.type() != y.type()) {
            throw new IllegalArgumentException("X and Y have types " + x.type() + " and " + y.type());
        }
        int[] s = Shapes.broadcast(c.shape(), x.shape());
        s = s == null ? null : Shapes.broadcast(s, y.shape());
        if (s == null) {
            throw new IllegalArgumentException("shapes " + Shapes.toString(c.shape()) + ", " + Shapes.toString(x.shape())
                    + " and " + Shapes.toString(y.shape()) + " do not broadcast");
        }
        outShape = s;
        cs = Strided.broadcastStrides(c.shape(), s.length, s);
        xs = Strided.broadcastStrides(x.shape(), s.length, s);
        ys = Strided.broadcastStrides(y.shape(), s.length, s);
        return List.of(ValueMeta.of(s, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        int[] ci = Strided.sourceIndex(0, cs, outShape), xi = Strided.sourceIndex(0, xs, outShape),
                yi = Strided.sourceIndex(0, ys, outShape);
        long[] c = in[0].ints();
        for (int i = 0; i < out[0].size(); i++) {
            if (c[ci[i]] != 0) {
                in[1].copyElement(xi[i], out[0], i);
            } else {
                in[2].copyElement(yi[i], out[0], i);
            }
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        int[] ci = Strided.sourceIndex(0, cs, outShape), xi = Strided.sourceIndex(0, xs, outShape),
                yi = Strided.sourceIndex(0, ys, outShape);
        long[] c = in[0].ints();
        float[] dy = gradOut[0].data();
        for (int i = 0; i < out[0].size(); i++) {
            Tensor g = c[ci[i]] != 0 ? gradIn[1] : gradIn[2];
            if (g != null) {
                g.data()[c[ci[i]] != 0 ? xi[i] : yi[i]] += dy[i];
            }
        }
    }
}

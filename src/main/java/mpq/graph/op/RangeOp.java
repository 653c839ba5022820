package mpq.graph.op;

import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** Range(start, limit, delta): a constant once its scalars are known, in their type. */
final class RangeOp implements Op {
    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta start = Args.input(in, 0, "start");
        double s = Args.constantScalar(start, "start");
        double limit = Args.constantScalar(Args.input(in, 1, "limit"), "limit");
        double delta = Args.constantScalar(Args.input(in, 2, "delta"), "delta");
        if (delta == 0) {
            throw new IllegalArgumentException("delta must not be 0");
        }
        int n = (int) Math.max(0, Math.ceil((limit - s) / delta));
        Tensor t = Tensor.zeros(start.type(), new int[] {n}, 0);
        for (int i = 0; i < n; i++) {
            if (t.isFloat()) {
                t.data()[i] = (float) (s + i * delta);
            } else {
                t.ints()[i] = start.type().wrap((long) s + i * (long) delta);
            }
        }
        return List.of(ValueMeta.constant(t, start.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        throw new IllegalStateException("Range is always folded");
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** EyeLike: ones on diagonal k of a 2-D shape like the input's, of dtype (default: the input's type). */
final class EyeLikeOp implements Op {
    private final int k, dtype;
    private int cols;

    EyeLikeOp(Attributes a) {
        this.k = a.getInt("k", 0);
        this.dtype = a.getInt("dtype", 0);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "input");
        Args.requireRank(x, 2, 2, "input");
        cols = x.shape()[1];
        DType t = dtype == 0 ? x.type() : DType.fromOnnx(dtype);
        if (t == null || t == DType.STRING) {
            throw new IllegalArgumentException("dtype " + dtype + " is not supported");
        }
        return List.of(ValueMeta.of(x.shape(), t));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor y = out[0];
        for (int i = 0; i < y.size(); i++) {
            boolean one = i % cols - i / cols == k;
            if (y.isFloat()) {
                y.data()[i] = one ? 1 : 0;
            } else {
                y.ints()[i] = one ? 1 : 0;
            }
        }
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** Size: the number of elements, an int64 scalar known once the input's shape is. */
final class SizeOp implements Op {
    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        long n = Args.input(in, 0, "data").size();
        return List.of(ValueMeta.constant(Tensor.longs(new int[0], n), DType.INT64));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        throw new IllegalStateException("Size is always folded");
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** Shape (with the optional start/end of opset 15). Always a constant once the input shape is fixed. */
final class ShapeOp implements Op {
    private final Attributes attrs;

    ShapeOp(Attributes attrs) {
        this.attrs = attrs;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        int[] s = Args.input(in, 0, "data").shape();
        int r = s.length;
        int start = clamp(attrs.getInt("start", 0), r);
        int end = clamp(attrs.getInt("end", r), r);
        int n = Math.max(0, end - start);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = s[start + i];
        }
        return List.of(ValueMeta.constant(Tensor.longs(new int[] {n}, v), DType.INT64));
    }

    private static int clamp(int i, int r) {
        return Math.max(0, Math.min(r, i < 0 ? i + r : i));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        throw new IllegalStateException("Shape is always folded into a constant");
    }
}

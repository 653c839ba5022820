package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * Cast between the numeric types (to an integer type truncates toward zero and wraps, to bool tests for non-zero,
 * to float16/bfloat16 rounds to nearest even); CastLike takes the type of its second input.
 */
final class CastOp implements Op {
    private final boolean like;
    private DType to;

    CastOp(Attributes a, boolean like) {
        this.like = like;
        if (!like) {
            int code = a.getInt("to", 0);
            to = DType.fromOnnx(code);
            if (to == null || to == DType.STRING) {
                throw new IllegalArgumentException("Cast to type code " + code + " is not supported");
            }
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "input");
        if (like) {
            to = Args.input(in, 1, "target_type").type();
        }
        if (x.isConstant()) {
            return List.of(ValueMeta.constant(x.constant().to(to), to));
        }
        return List.of(ValueMeta.of(x.shape(), to));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        in[0].to(to).copyInto(out[0]);
    }

    /** A float-to-float cast passes the gradient through (its rounding counts as the identity). */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (!in[0].isFloat() || !to.isFloat()) {
            throw new UnsupportedOperationException("no backward pass for a Cast from " + in[0].type() + " to " + to);
        }
        float[] dy = gradOut[0].data(), dx = gradIn[0].data();
        for (int i = 0; i < in[0].size(); i++) {
            dx[i] += dy[i];
        }
    }
}

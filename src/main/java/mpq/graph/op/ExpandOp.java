package mpq.graph.op;

import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/** Expand: the input broadcast to a shape (itself broadcast with the input's, as numpy does). */
final class ExpandOp implements Op {
    private int[] outShape, strides;

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "input");
        int[] target = Args.constantInts(Args.input(in, 1, "shape"), "Expand shape");
        outShape = Shapes.broadcast(x.shape(), target);
        if (outShape == null) {
            throw new IllegalArgumentException("cannot expand " + Shapes.toString(x.shape()) + " to "
                    + Shapes.toString(target));
        }
        strides = Strided.broadcastStrides(x.shape(), outShape.length, outShape);
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Strided.copy(in[0], 0, strides, outShape, out[0]);
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        Strided.scatterAdd(gradOut[0].data(), 0, strides, outShape, gradIn[0].data());
    }
}

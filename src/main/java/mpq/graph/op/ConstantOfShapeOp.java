package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** ConstantOfShape: a tensor of the given shape filled with value's one element (default float32 0). */
final class ConstantOfShapeOp implements Op {
    private final Attributes.Constant value;

    ConstantOfShapeOp(Attributes a) {
        Attributes.Constant v = a.getTensor("value");
        this.value = v != null ? v : new Attributes.Constant(Tensor.scalar(0f), DType.FLOAT);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        int[] shape = Args.constantInts(Args.input(in, 0, "input"), "ConstantOfShape shape");
        Tensor t = Tensor.zeros(value.type(), shape, 0);
        for (int i = 0; i < t.size(); i++) {
            value.tensor().copyElement(0, t, i);
        }
        return List.of(ValueMeta.constant(t, value.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        throw new IllegalStateException("ConstantOfShape is always folded");
    }
}

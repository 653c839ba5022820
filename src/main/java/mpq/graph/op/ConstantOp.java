package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** Constant: value (a tensor), value_float(s) or value_int(s). */
final class ConstantOp implements Op {
    private final ValueMeta value;

    ConstantOp(Attributes a) {
        if (a.getTensor("value") != null) {
            Attributes.Constant c = a.getTensor("value");
            value = ValueMeta.constant(c.tensor(), c.type());
        } else if (a.has("value_float")) {
            value = ValueMeta.constant(Tensor.scalar(a.getFloat("value_float", 0f)), DType.FLOAT);
        } else if (a.has("value_floats")) {
            float[] f = a.getFloats("value_floats", new float[0]);
            value = ValueMeta.constant(new Tensor(new int[] {f.length}, f), DType.FLOAT);
        } else if (a.has("value_int")) {
            value = ValueMeta.constant(Tensor.longs(new int[0], a.getLong("value_int", 0)), DType.INT64);
        } else if (a.has("value_ints")) {
            long[] v = a.getLongs("value_ints", new long[0]);
            value = ValueMeta.constant(Tensor.longs(new int[] {v.length}, v), DType.INT64);
        } else {
            throw new IllegalArgumentException("Constant needs value, value_float(s) or value_int(s)");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        return List.of(value);
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        throw new IllegalStateException("Constant is always folded");
    }
}

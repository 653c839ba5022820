package mpq.graph;

import mpq.tensor.DType;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * What is known about a value when a graph is planned for a concrete input shape: its shape, its element type,
 * and its contents when it is a constant (weights, folded shape arithmetic), else null.
 */
public record ValueMeta(int[] shape, DType type, Tensor constant) {
    public ValueMeta {
        shape = shape.clone();
    }

    /** A copy: callers may modify it. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    public static ValueMeta of(int[] shape, DType type) {
        return new ValueMeta(shape, type, null);
    }

    public static ValueMeta constant(Tensor t, DType type) {
        return new ValueMeta(t.shape(), type, t);
    }

    public boolean isConstant() {
        return constant != null;
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return Shapes.size(shape);
    }
}

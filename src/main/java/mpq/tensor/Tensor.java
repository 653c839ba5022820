package mpq.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order, NCHW for images. The array may be longer than the tensor
 * (kernels read a few elements past the end to stay vectorized), so always use {@link #size()}, not data.length.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;
    private final int size;

    public Tensor(int[] shape, float[] data) {
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        if (data.length < size) {
            throw new IllegalArgumentException("data has " + data.length + " elements, shape "
                    + Shapes.toString(shape) + " needs " + size);
        }
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(shape, new float[Shapes.size(shape)]);
    }

    public static Tensor scalar(float v) {
        return new Tensor(new int[0], new float[] {v});
    }

    public static Tensor of(int[] shape, float... values) {
        return new Tensor(shape, values.clone());
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    public int size() {
        return size;
    }

    /** The backing array; elements past {@link #size()} are scratch. */
    public float[] data() {
        return data;
    }

    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /** The same data under another shape of equal size. */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.toString(shape) + " to "
                    + Shapes.toString(newShape));
        }
        return new Tensor(newShape, data);
    }

    public Tensor copy() {
        return new Tensor(shape, Arrays.copyOf(data, size));
    }

    /** Elements [from, to) of the first axis, copied. */
    public Tensor slice0(int from, int to) {
        int inner = shape.length == 0 ? 1 : size / Math.max(1, shape[0]);
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(s, Arrays.copyOfRange(data, from * inner, to * inner));
    }

    @Override
    public String toString() {
        return "Tensor" + Shapes.toString(shape);
    }
}

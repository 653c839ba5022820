package mpq.tensor;

import java.util.Arrays;

/**
 * A dense tensor in row-major (C) order, NCHW for images, of one element type. The float family (float32, float16,
 * bfloat16, double) is held in a float array ({@link #data()}), the integer family and bool in a long array
 * ({@link #ints()}), exactly. The array may be longer than the tensor (kernels read a few elements past the end to
 * stay vectorized), so always use {@link #size()}, not its length.
 */
public final class Tensor {
    private final DType type;
    private final int[] shape;
    private final float[] data;
    private final long[] ints;
    private final int size;

    /** A float32 tensor on data. */
    public Tensor(int[] shape, float[] data) {
        this(DType.FLOAT, shape, data);
    }

    /** A float-family tensor (float32, float16, bfloat16, double) on data. */
    public Tensor(DType type, int[] shape, float[] data) {
        if (!type.isFloat()) {
            throw new IllegalArgumentException("a " + type + " tensor is held in long storage, not float");
        }
        this.type = type;
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        checkLength(data.length);
        this.data = data;
        this.ints = null;
    }

    /** An integer or bool tensor on ints (values already in the type's range). */
    public Tensor(DType type, int[] shape, long[] ints) {
        if (!type.isInteger()) {
            throw new IllegalArgumentException("a " + type + " tensor is held in float storage, not long");
        }
        this.type = type;
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        checkLength(ints.length);
        this.data = null;
        this.ints = ints;
    }

    private void checkLength(int length) {
        if (length < size) {
            throw new IllegalArgumentException("data has " + length + " elements, shape " + Shapes.toString(shape)
                    + " needs " + size);
        }
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(shape, new float[Shapes.size(shape)]);
    }

    /** Zeros of any type, with extra elements of slack past the end. */
    public static Tensor zeros(DType type, int[] shape, int slack) {
        int n = Shapes.size(shape) + slack;
        return type.isFloat() ? new Tensor(type, shape, new float[n]) : new Tensor(type, shape, new long[n]);
    }

    public static Tensor scalar(float v) {
        return new Tensor(new int[0], new float[] {v});
    }

    public static Tensor of(int[] shape, float... values) {
        return new Tensor(shape, values.clone());
    }

    /** An int64 tensor of the values (shapes, indices, axes). */
    public static Tensor longs(int[] shape, long... values) {
        return new Tensor(DType.INT64, shape, values.clone());
    }

    public DType type() {
        return type;
    }

    /** True for the float family (float storage). */
    public boolean isFloat() {
        return data != null;
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

    /** How many values are NaN or ±Inf (none in an integer tensor). */
    public int nonFiniteCount() {
        int count = 0;
        for (int i = 0; data != null && i < size; i++) {
            count += Float.isFinite(data[i]) ? 0 : 1;
        }
        return count;
    }

    /** The flat index of the first NaN or ±Inf value, or −1 when every value is finite. */
    public int firstNonFinite() {
        for (int i = 0; data != null && i < size; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The float backing array (float family only); elements past {@link #size()} are scratch. Asking an integer
     * tensor is an argument error: an op of a model was given a type it does not compute on.
     */
    public float[] data() {
        if (data == null) {
            throw new IllegalArgumentException("got a " + type + " tensor where floats are expected");
        }
        return data;
    }

    /** The long backing array (integer types and bool only); asking a float tensor is an argument error. */
    public long[] ints() {
        if (ints == null) {
            throw new IllegalArgumentException("got a " + type + " tensor where integers are expected");
        }
        return ints;
    }

    /** Element i as a float (integers converted; large ones rounded). */
    public float get(int flatIndex) {
        return data != null ? data[flatIndex] : (float) type.toDouble(ints[flatIndex]);
    }

    /** Element i as a double (integers exact up to 2^53, uint64 unsigned). */
    public double getDouble(int flatIndex) {
        return data != null ? data[flatIndex] : type.toDouble(ints[flatIndex]);
    }

    /** Element i as a long: an integer's held value, a float truncated toward zero. */
    public long getLong(int flatIndex) {
        return ints != null ? ints[flatIndex] : (long) data[flatIndex];
    }

    /** The same data under another shape of equal size. */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.toString(shape) + " to "
                    + Shapes.toString(newShape));
        }
        return data != null ? new Tensor(type, newShape, data) : new Tensor(type, newShape, ints);
    }

    public Tensor copy() {
        return data != null ? new Tensor(type, shape, Arrays.copyOf(data, size))
                : new Tensor(type, shape, Arrays.copyOf(ints, size));
    }

    /** A copy with extra elements of slack past the end. */
    public Tensor copyWithSlack(int slack) {
        return data != null ? new Tensor(type, shape, Arrays.copyOf(data, size + slack))
                : new Tensor(type, shape, Arrays.copyOf(ints, size + slack));
    }

    /** Tensors of the same trailing shape (and type: the first's) stacked along the first axis, in order. */
    public static Tensor concat0(java.util.List<Tensor> parts) {
        int n = 0;
        for (Tensor t : parts) {
            n += t.dim(0);
        }
        int[] shape = parts.getFirst().shape();
        shape[0] = n;
        Tensor all = zeros(parts.getFirst().type(), shape, 0);
        int at = 0;
        for (Tensor t : parts) {
            copyItems(t, 0, all, at, t.dim(0));
            at += t.dim(0);
        }
        return all;
    }

    /** Copies n items along the first axis, src's from on, into dst's at on (same type, same trailing shape). */
    public static void copyItems(Tensor src, int from, Tensor dst, int at, int n) {
        if (src.type.isFloat() != dst.type.isFloat()) {
            throw new IllegalArgumentException("cannot copy " + src.type + " items into a " + dst.type + " tensor");
        }
        int item = src.dim(0) == 0 ? 0 : src.size / src.dim(0);
        if (src.type.isFloat()) {
            System.arraycopy(src.data, from * item, dst.data, at * item, n * item);
        } else {
            System.arraycopy(src.ints, from * item, dst.ints, at * item, n * item);
        }
    }

    /** Elements [from, to) of the first axis, copied. */
    public Tensor slice0(int from, int to) {
        int inner = shape.length == 0 ? 1 : size / Math.max(1, shape[0]);
        int[] s = shape.clone();
        s[0] = to - from;
        return data != null ? new Tensor(type, s, Arrays.copyOfRange(data, from * inner, to * inner))
                : new Tensor(type, s, Arrays.copyOfRange(ints, from * inner, to * inner));
    }

    /** True when o is held in the very same array as this tensor. */
    public boolean sameStorage(Tensor o) {
        return data != null ? data == o.data : ints == o.ints;
    }

    /** Copies this tensor's elements into dst's first size() elements (the same type and size). */
    public void copyInto(Tensor dst) {
        if (dst.type != type || dst.size != size) {
            throw new IllegalArgumentException("cannot copy a " + type + Shapes.toString(shape) + " tensor into a "
                    + dst.type + Shapes.toString(dst.shape) + " one");
        }
        if (data != null) {
            System.arraycopy(data, 0, dst.data, 0, size);
        } else {
            System.arraycopy(ints, 0, dst.ints, 0, size);
        }
    }

    /** Elements [from, from + n) of this tensor copied to dst from index to (same storage kind). */
    public void copyRange(int from, Tensor dst, int to, int n) {
        if (data != null) {
            System.arraycopy(data, from, dst.data, to, n);
        } else {
            System.arraycopy(ints, from, dst.ints, to, n);
        }
    }

    /** Element srcIndex of this tensor written to element dstIndex of dst (same storage kind). */
    public void copyElement(int srcIndex, Tensor dst, int dstIndex) {
        if (data != null) {
            dst.data[dstIndex] = data[srcIndex];
        } else {
            dst.ints[dstIndex] = ints[srcIndex];
        }
    }

    /**
     * This tensor's values as another type, as ONNX Cast converts them: floats to integers truncated toward zero and
     * wrapped, integers to floats, float16/bfloat16 rounded; the same type returns this tensor.
     */
    public Tensor to(DType target) {
        if (target == type) {
            return this;
        }
        if (target.isFloat()) {
            float[] out = new float[size];
            for (int i = 0; i < size; i++) {
                out[i] = target.round(data != null ? data[i] : (float) type.toDouble(ints[i]));
            }
            return new Tensor(target, shape, out);
        }
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = data != null ? target.fromDouble(data[i]) : target.wrap(ints[i]);
        }
        return new Tensor(target, shape, out);
    }

    @Override
    public String toString() {
        return "Tensor(" + type + ")" + Shapes.toString(shape);
    }
}

package mpq.tensor;

import java.util.Arrays;

/** Small helpers on shapes (int arrays): sizes, strides, broadcasting, printing. */
public final class Shapes {
    private Shapes() {}

    public static int size(int[] shape) {
        long n = 1;
        boolean tooLarge = false, empty = false;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + toString(shape));
            }
            n = tooLarge ? n : n * d;   // kept below 2^31 before each product, so it never overflows
            tooLarge |= n > Integer.MAX_VALUE - 64;
            empty |= d == 0;
        }
        if (empty) {
            return 0;
        }
        if (tooLarge) {
            throw new IllegalArgumentException("tensor of shape " + toString(shape) + " is too large");
        }
        return (int) n;
    }

    /**
     * Refuses a value that would take more than a quarter of this JVM's heap: a model whose shapes have gone wrong
     * fails with a message instead of an OutOfMemoryError.
     */
    public static void requireAllocatable(int[] shape, int bytesPerElement) {
        long bytes = (long) size(shape) * bytesPerElement, limit = Runtime.getRuntime().maxMemory() / 4;
        if (bytes > limit) {
            throw new IllegalArgumentException(String.format("a value of shape %s would take %.1f GB, more than a "
                    + "quarter of the %.1f GB heap (MPQ_JAVA_OPTS=-Xmx… gives more)", toString(shape), bytes / 1e9,
                    Runtime.getRuntime().maxMemory() / 1e9));
        }
    }

    /** Product of dims[from, to). */
    public static int product(int[] shape, int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** The coordinates of row-major element flat of a tensor of this shape, into coords. */
    public static void unravel(int flat, int[] shape, int[] coords) {
        for (int d = shape.length - 1; d >= 0; d--) {
            coords[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Numpy-style broadcast of two shapes, or null when they do not broadcast. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Normalises a possibly negative axis against a rank, or throws naming the axis. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }
}

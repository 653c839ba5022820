package mpq.tensor;

/**
 * Loops over an output in row-major order while reading inputs through arbitrary per-axis strides: the shared
 * engine of transpose, slice and broadcasting ({@link Broadcast} for binary operations). A stride of 0 repeats an element (broadcast); a negative stride
 * walks backwards (slice with a negative step).
 */
public final class Strided {
    private Strided() {}

    /** dst[i] = src[base + Σ idx[d]·strides[d]] for every output index. */
    public static void copy(float[] src, int base, int[] strides, int[] outShape, float[] dst) {
        int rank = outShape.length;
        int total = Shapes.size(outShape);
        if (total == 0) {
            return;
        }
        if (rank == 0) {
            dst[0] = src[base];
            return;
        }
        int inner = outShape[rank - 1];
        int innerStride = strides[rank - 1];
        int[] idx = new int[rank];
        int off = base;
        for (int o = 0; o < total; o += inner) {
            if (innerStride == 1) {
                System.arraycopy(src, off, dst, o, inner);
            } else {
                for (int i = 0, s = off; i < inner; i++, s += innerStride) {
                    dst[o + i] = src[s];
                }
            }
            off = advance(idx, outShape, strides, off, rank - 2);
        }
    }

    /** The same for long storage. */
    public static void copy(long[] src, int base, int[] strides, int[] outShape, long[] dst) {
        int rank = outShape.length;
        int total = Shapes.size(outShape);
        if (total == 0) {
            return;
        }
        if (rank == 0) {
            dst[0] = src[base];
            return;
        }
        int inner = outShape[rank - 1];
        int innerStride = strides[rank - 1];
        int[] idx = new int[rank];
        int off = base;
        for (int o = 0; o < total; o += inner) {
            for (int i = 0, s = off; i < inner; i++, s += innerStride) {
                dst[o + i] = src[s];
            }
            off = advance(idx, outShape, strides, off, rank - 2);
        }
    }

    /** The strided copy of a tensor of either storage into one of the same type. */
    public static void copy(Tensor src, int base, int[] strides, int[] outShape, Tensor dst) {
        if (src.isFloat()) {
            copy(src.data(), base, strides, outShape, dst.data());
        } else {
            copy(src.ints(), base, strides, outShape, dst.ints());
        }
    }

    /** Strides of an input of shape in when broadcast to an output of rank outRank (0 on broadcast axes). */
    public static int[] broadcastStrides(int[] in, int outRank, int[] outShape) {
        int[] s = Shapes.strides(in);
        int[] r = new int[outRank];
        int lead = outRank - in.length;
        for (int d = 0; d < in.length; d++) {
            r[lead + d] = in[d] == 1 && outShape[lead + d] != 1 ? 0 : s[d];
        }
        return r;
    }

    /** Odometer step over axes [0, last]: returns the new source offset. */
    private static int advance(int[] idx, int[] shape, int[] strides, int off, int last) {
        for (int d = last; d >= 0; d--) {
            idx[d]++;
            off += strides[d];
            if (idx[d] < shape[d]) {
                return off;
            }
            off -= strides[d] * shape[d];
            idx[d] = 0;
        }
        return off;
    }

    /**
     * For each element of an output of shape outShape (row-major), the flat index of the source element
     * {@link #copy} reads there: base + Σ idx[d]·strides[d]. The backward passes of copy-like ops scatter through it.
     */
    public static int[] sourceIndex(int base, int[] strides, int[] outShape) {
        int rank = outShape.length;
        int n = Shapes.size(outShape);
        int[] out = new int[n];
        if (rank == 0) {
            if (n > 0) {
                out[0] = base;
            }
            return out;
        }
        int[] idx = new int[rank];
        int off = base;
        for (int i = 0; i < n; i++) {
            out[i] = off;
            off = advance(idx, outShape, strides, off, rank - 1);
        }
        return out;
    }

    /** The backward of {@link #copy}: dst[base + Σ idx[d]·strides[d]] += grad[i] for every output index. */
    public static void scatterAdd(float[] grad, int base, int[] strides, int[] outShape, float[] dst) {
        int[] idx = sourceIndex(base, strides, outShape);
        for (int i = 0; i < idx.length; i++) {
            dst[idx[i]] += grad[i];
        }
    }
}

package mpq.graph.op;

import java.util.Arrays;
import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Gemm;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/** ONNX MatMul with numpy semantics: batched over broadcast leading dimensions, 1-D operands promoted. */
final class MatMulOp implements Op {
    private int m, k, n, batches;
    private int[] batchShape, aBatchStrides, bBatchStrides;

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta a = Args.input(in, 0, "A");
        ValueMeta b = Args.input(in, 1, "B");
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("MatMul operands must have rank ≥ 1");
        }
        int[] as = a.rank() == 1 ? new int[] {1, a.shape()[0]} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.shape()[0], 1} : b.shape();
        m = as[as.length - 2];
        k = as[as.length - 1];
        n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k) {
            throw new IllegalArgumentException("A " + Shapes.toString(a.shape()) + " and B " + Shapes.toString(b.shape())
                    + " do not agree on the inner dimension");
        }
        int[] aLead = Arrays.copyOf(as, as.length - 2);
        int[] bLead = Arrays.copyOf(bs, bs.length - 2);
        batchShape = Shapes.broadcast(aLead, bLead);
        if (batchShape == null) {
            throw new IllegalArgumentException("batch dimensions of A " + Shapes.toString(a.shape()) + " and B "
                    + Shapes.toString(b.shape()) + " do not broadcast");
        }
        batches = Shapes.size(batchShape);
        aBatchStrides = scaled(Strided.broadcastStrides(aLead, batchShape.length, batchShape), m * k);
        bBatchStrides = scaled(Strided.broadcastStrides(bLead, batchShape.length, batchShape), k * n);
        int[] out = Arrays.copyOf(batchShape, batchShape.length + 2);
        out[batchShape.length] = m;
        out[batchShape.length + 1] = n;
        if (a.rank() == 1 || b.rank() == 1) {
            // Drop the promoted dimensions again.
            int keep = out.length - (a.rank() == 1 ? 1 : 0) - (b.rank() == 1 ? 1 : 0);
            int[] r = new int[keep];
            int j = 0;
            for (int i = 0; i < out.length; i++) {
                boolean promotedM = a.rank() == 1 && i == out.length - 2;
                boolean promotedN = b.rank() == 1 && i == out.length - 1;
                if (!promotedM && !promotedN) {
                    r[j++] = out[i];
                }
            }
            out = r;
        }
        return List.of(ValueMeta.of(out, a.type()));
    }

    private static int[] scaled(int[] strides, int matrix) {
        int[] r = new int[strides.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = strides[i] * matrix;  // strides count whole matrices
        }
        return r;
    }

    @Override
    public long macs() {
        return (long) batches * m * n * k;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] a = in[0].data(), b = in[1].data(), y = out[0].data();
        par.forEach(batches, (w, bi) -> {
            int aOff = offset(bi, aBatchStrides), bOff = offset(bi, bBatchStrides);
            float[] packed = Gemm.packA(a, aOff, m, k, k);
            Gemm.multiply(packed, m, k, b, Gemm.rowOffsets(k, n, bOff), y, bi * m * n, n, 0, n, null, 0, false);
        });
    }

    /** Per batch matrix: dA += dY·Bᵀ and dB += Aᵀ·dY; a broadcast operand sums over the batches that share it. */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] a = in[0].data(), b = in[1].data(), dy = gradOut[0].data();
        float[] da = gradIn[0] == null ? null : gradIn[0].data(), db = gradIn[1] == null ? null : gradIn[1].data();
        for (int bi = 0; bi < batches; bi++) {
            int aOff = offset(bi, aBatchStrides), bOff = offset(bi, bBatchStrides);
            int yOff = bi * m * n;
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    double sa = 0;
                    for (int j = 0; j < n; j++) {
                        float g = dy[yOff + i * n + j];
                        sa += (double) g * b[bOff + kk * n + j];
                        if (db != null) {
                            db[bOff + kk * n + j] += a[aOff + i * k + kk] * g;
                        }
                    }
                    if (da != null) {
                        da[aOff + i * k + kk] += (float) sa;
                    }
                }
            }
        }
    }

    /** Where batch matrix bi of an operand starts, given the operand's per-axis batch strides (0 = broadcast). */
    private int offset(int bi, int[] strides) {
        int off = 0, rest = bi;
        for (int d = batchShape.length - 1; d >= 0; d--) {
            off += (rest % batchShape[d]) * strides[d];
            rest /= batchShape[d];
        }
        return off;
    }
}

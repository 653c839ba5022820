package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Conv2d;
import mpq.tensor.Gemm;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/** ONNX Gemm: Y = alpha · A' · B' + beta · C, with A' = transA ? Aᵀ : A and B' likewise; C broadcasts to [M, N]. */
final class GemmOp implements Op {
    private final float alpha, beta;
    private final boolean transA, transB;
    private int m, k, n;
    private float[] constB;     // B' as row-major [K, N] with slack, when B is a constant
    private int[] cStrides;     // strides of C broadcast to [M, N]
    private boolean relu;

    GemmOp(Attributes a) {
        alpha = a.getFloat("alpha", 1f);
        beta = a.getFloat("beta", 1f);
        transA = a.getInt("transA", 0) != 0;
        transB = a.getInt("transB", 0) != 0;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta a = Args.input(in, 0, "A");
        ValueMeta b = Args.input(in, 1, "B");
        ValueMeta c = Args.optional(in, 2);
        Args.requireRank(a, 2, 2, "A");
        Args.requireRank(b, 2, 2, "B");
        m = transA ? a.shape()[1] : a.shape()[0];
        k = transA ? a.shape()[0] : a.shape()[1];
        int kb = transB ? b.shape()[1] : b.shape()[0];
        n = transB ? b.shape()[0] : b.shape()[1];
        if (k != kb) {
            throw new IllegalArgumentException("A " + Shapes.toString(a.shape()) + " and B " + Shapes.toString(b.shape())
                    + " do not agree on K (transA=" + (transA ? 1 : 0) + ", transB=" + (transB ? 1 : 0) + ")");
        }
        int[] outShape = {m, n};
        if (c != null) {
            int[] bc = Shapes.broadcast(c.shape(), outShape);
            if (bc == null || bc.length != 2 || bc[0] != m || bc[1] != n) {
                throw new IllegalArgumentException("C " + Shapes.toString(c.shape()) + " does not broadcast to [" + m
                        + ", " + n + "]");
            }
            cStrides = Strided.broadcastStrides(c.shape(), 2, outShape);
        }
        if (b.isConstant()) {
            constB = rowMajorB(b.constant());
        }
        return List.of(ValueMeta.of(outShape, a.type()));
    }

    private float[] rowMajorB(Tensor b) {
        float[] out = new float[k * n + Conv2d.slack()];
        float[] src = b.data();
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < n; j++) {
                out[kk * n + j] = transB ? src[j * k + kk] : src[kk * n + j];
            }
        }
        return out;
    }

    @Override
    public boolean fuseRelu() {
        relu = true;
        return true;
    }

    @Override
    public long macs() {
        return (long) m * n * k;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] a = in[0].data();
        float[] opA = transA ? new float[m * k] : a;
        if (transA) {
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    opA[i * k + kk] = a[kk * m + i];
                }
            }
        }
        float[] y = out[0].data();
        product(opA, m, k, constB != null ? constB : rowMajorB(in[1]), n, y, par);
        Tensor c = in.length > 2 ? in[2] : null;
        if (c != null && beta != 0f) {
            float[] cd = c.data();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    y[i * n + j] += beta * cd[i * cStrides[0] + j * cStrides[1]];
                }
            }
        }
        if (relu) {
            for (int i = 0; i < m * n; i++) {
                y[i] = Math.max(0f, y[i]);
            }
        }
    }

    /**
     * With A' = op(A), B' = op(B): dA' = α·dY·B'ᵀ, dB' = α·A'ᵀ·dY, dC = β·dY summed over C's broadcast axes; the
     * transposes map back to A and B.
     */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] a = in[0].data(), b = in[1].data(), dy = gradOut[0].data();
        if (gradIn[0] != null) {   // dA' [m × k] = α·dY [m × n] · B'ᵀ [n × k]
            float[] bt = new float[n * k + Conv2d.slack()];
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < n; j++) {
                    bt[j * k + kk] = transB ? b[j * k + kk] : b[kk * n + j];
                }
            }
            float[] da = gradIn[0].data(), prod = new float[m * k];
            product(dy, m, n, bt, k, prod, par);
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    da[transA ? kk * m + i : i * k + kk] += prod[i * k + kk];
                }
            }
        }
        if (gradIn[1] != null) {   // dB' [k × n] = α·A'ᵀ [k × m] · dY [m × n]
            float[] at = new float[k * m];
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    at[kk * m + i] = transA ? a[kk * m + i] : a[i * k + kk];
                }
            }
            float[] dyPadded = java.util.Arrays.copyOf(dy, m * n + Conv2d.slack());
            float[] db = gradIn[1].data(), prod = new float[k * n];
            product(at, k, m, dyPadded, n, prod, par);
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < n; j++) {
                    db[transB ? j * k + kk : kk * n + j] += prod[kk * n + j];
                }
            }
        }
        if (gradIn.length > 2 && gradIn[2] != null) {
            float[] dc = gradIn[2].data();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    dc[i * cStrides[0] + j * cStrides[1]] += beta * dy[i * n + j];
                }
            }
        }
    }

    /**
     * into = α · X [rows × inner] · Y [inner × cols] (Y row-major with slack), by the packed GEMM kernel, blocks of
     * rows across threads, each packing its own rows.
     */
    private void product(float[] x, int rows, int inner, float[] y, int cols, float[] into, Parallel par) {
        float[] scaled = alpha == 1f ? x : new float[rows * inner];   // packA copies the rows anyway
        if (alpha != 1f) {
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = alpha * x[i];
            }
        }
        int[] yOff = Gemm.rowOffsets(inner, cols, 0);
        int rowsPer = Math.max(Gemm.MR, ((rows + par.threads() - 1) / par.threads() + Gemm.MR - 1) / Gemm.MR * Gemm.MR);
        int blocks = (rows + rowsPer - 1) / rowsPer;
        par.forEach(blocks, (w, blk) -> {
            int r0 = blk * rowsPer;
            int r = Math.min(rowsPer, rows - r0);
            Gemm.multiply(Gemm.packA(scaled, r0 * inner, r, inner, inner), r, inner, y, yOff, into, r0 * cols, cols, 0,
                    cols, null, 0, false);
        });
    }
}

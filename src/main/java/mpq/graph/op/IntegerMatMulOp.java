package mpq.graph.op;

import java.util.Arrays;
import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * MatMulInteger (A, B, a_zero_point, b_zero_point → int32 (A − a_zp)·(B − b_zp)) and QLinearMatMul (the same product
 * requantized: saturate(round((A − a_zp)·(B − b_zp) · a_scale·b_scale / y_scale) + y_zp)), exact in 64-bit
 * integers. A is [..., M, K], B [..., K, N] with equal leading dimensions or a 2-D B shared by every batch; a's zero
 * point per tensor or per row, b's (and b's scale) per tensor or per column.
 */
final class IntegerMatMulOp implements Op {
    private final boolean qlinear;
    private int m, k, n, batches;
    private boolean sharedB;
    private DType outType;

    IntegerMatMulOp(boolean qlinear) {
        this.qlinear = qlinear;
    }

    // input positions: MatMulInteger A=0, B=1, azp=2, bzp=3; QLinearMatMul A=0, as=1, azp=2, B=3, bs=4, bzp=5, ys=6, yzp=7
    private int bIndex() {
        return qlinear ? 3 : 1;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta a = Args.input(in, 0, "A"), b = Args.input(in, bIndex(), "B");
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2 || as[as.length - 1] != bs[bs.length - 2]) {
            throw new IllegalArgumentException("A " + Arrays.toString(as) + " and B " + Arrays.toString(bs)
                    + " do not multiply (A [..., M, K], B [..., K, N])");
        }
        m = as[as.length - 2];
        k = as[as.length - 1];
        n = bs[bs.length - 1];
        sharedB = bs.length == 2;
        int[] lead = Arrays.copyOf(as, as.length - 2);
        if (!sharedB && !Arrays.equals(lead, Arrays.copyOf(bs, bs.length - 2))) {
            throw new IllegalArgumentException("batch dimensions of A " + Arrays.toString(as) + " and B "
                    + Arrays.toString(bs) + " differ (only equal ones or a 2-D B are supported)");
        }
        batches = a.size() / Math.max(1, m * k);
        Requantize.requireScalarOr(Args.optional(in, 2), m, "a_zero_point");
        Requantize.requireScalarOr(Args.optional(in, qlinear ? 5 : 3), n, "b_zero_point");
        if (qlinear) {
            Requantize.requireScalarOr(Args.input(in, 1, "a_scale"), 1, "a_scale");
            Requantize.requireScalarOr(Args.input(in, 4, "b_scale"), n, "b_scale");
            Requantize.requireScalarOr(Args.input(in, 6, "y_scale"), 1, "y_scale");
            outType = Args.input(in, 7, "y_zero_point").type();
        } else {
            outType = DType.INT32;
        }
        int[] out = Arrays.copyOf(as, as.length);
        out[out.length - 1] = n;
        return List.of(ValueMeta.of(out, outType));
    }

    @Override
    public long macs() {
        return (long) batches * m * n * k;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        long[] a = in[0].ints(), b = in[bIndex()].ints(), y = out[0].ints();
        Tensor azp = in.length > 2 ? in[2] : null, bzp = in.length > (qlinear ? 5 : 3) ? in[qlinear ? 5 : 3] : null;
        long[] acc = new long[n];
        for (int bi = 0; bi < batches; bi++) {
            int aBase = bi * m * k, bBase = sharedB ? 0 : bi * k * n, yBase = bi * m * n;
            for (int i = 0; i < m; i++) {
                Arrays.fill(acc, 0);
                long za = Requantize.intAt(azp, i);
                for (int p = 0; p < k; p++) {
                    long av = a[aBase + i * k + p] - za;
                    for (int j = 0; j < n; j++) {
                        acc[j] += av * (b[bBase + p * n + j] - Requantize.intAt(bzp, j));
                    }
                }
                for (int j = 0; j < n; j++) {
                    y[yBase + i * n + j] = qlinear ? Requantize.toOutput(acc[j], Requantize.floatAt(in[1], 0)
                            * Requantize.floatAt(in[4], j) / Requantize.floatAt(in[6], 0), Requantize.intAt(in[7], 0),
                            outType) : outType.wrap(acc[j]);
                }
            }
        }
    }
}

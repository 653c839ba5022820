package mpq.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The optimised kernels against plain reference loops, on many random shapes (tails, groups, pads, strides). */
class KernelsTest {

    private static float[] random(SplittableRandom r, int n, int slack) {
        float[] a = new float[n + slack];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void gemmMatchesScalarReference() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 60; trial++) {
            int m = 1 + r.nextInt(13), k = 1 + r.nextInt(40), n = 1 + r.nextInt(3 * Gemm.NR + 5);
            float[] a = random(r, m * k, 0), b = random(r, k * n, Gemm.NR), bias = random(r, m, 0);
            boolean relu = r.nextBoolean();
            float[] packed = Gemm.packA(a, 0, m, k, k);
            int[] off = Gemm.rowOffsets(k, n, 0);
            boolean accumulate = trial % 3 == 2;   // C += A·B onto what C holds (no bias, no ReLU)
            float[] fast = accumulate ? random(r, m * n, 0) : new float[m * n];
            float[] slow = fast.clone();
            int n0 = r.nextInt(Math.max(1, n / 2));
            if (accumulate) {
                Gemm.multiplyRows(packed, m, k, b, off, fast, 0, n, n0, n, 1, 1, null, 0, false, true);
                Gemm.multiplyScalar(packed, m, k, b, off, slow, 0, n, n0, n, 1, 1, null, 0, false, true);
            } else {
                Gemm.multiply(packed, m, k, b, off, fast, 0, n, n0, n, bias, 0, relu);
                Gemm.multiplyScalar(packed, m, k, b, off, slow, 0, n, n0, n, 1, 1, bias, 0, relu, false);
            }
            for (int i = 0; i < m * n; i++) {
                assertEquals(slow[i], fast[i], 1e-4f, "m=" + m + " k=" + k + " n=" + n + " at " + i);
            }
        }
    }

    @Test
    void gemmOverRowsOfAWiderMatrixMatchesScalarReference() {
        SplittableRandom r = new SplittableRandom(8);
        for (int trial = 0; trial < 40; trial++) {
            int m = 1 + r.nextInt(13), k = 1 + r.nextInt(30);
            int width = Simd.LANES * (1 + r.nextInt(3)), stride = width + r.nextInt(5), rows = 1 + r.nextInt(5);
            int n = width * rows;
            float[] a = random(r, m * k, 0), b = random(r, k * stride * rows, Gemm.NR), bias = random(r, m, 0);
            float[] packed = Gemm.packA(a, 0, m, k, k);
            int[] off = Gemm.rowOffsets(k, stride * rows, 0);
            boolean accumulate = r.nextBoolean(), relu = r.nextBoolean();
            float[] fast = random(r, m * n, 0), slow = fast.clone(), direct = fast.clone();
            Gemm.multiplyRows(packed, m, k, b, off, fast, 0, n, 0, n, width, stride, bias, 0, relu, accumulate);
            Gemm.multiplyScalar(packed, m, k, b, off, slow, 0, n, 0, n, width, stride, bias, 0, relu, accumulate);
            for (int i = 0; i < m; i++) {   // the definition: column j of C is column (j / width)·stride + j % width of B
                for (int j = 0; j < n; j++) {
                    double acc = bias[i] + (accumulate ? direct[i * n + j] : 0);
                    for (int kk = 0; kk < k; kk++) {
                        acc += (double) a[i * k + kk] * b[kk * stride * rows + j / width * stride + j % width];
                    }
                    direct[i * n + j] = (float) (relu ? Math.max(0, acc) : acc);
                }
            }
            for (int i = 0; i < m * n; i++) {
                assertEquals(direct[i], slow[i], 1e-4f, "scalar, trial " + trial + " at " + i);
                assertEquals(direct[i], fast[i], 1e-4f, "vector, trial " + trial + " at " + i);
            }
        }
    }

    /** Direct 7-loop convolution: the definition. */
    static float[] referenceConv(ConvGeometry g, int batch, float[] x, float[] w, float[] bias, boolean relu) {
        int oh = g.outH(), ow = g.outW(), cinG = g.cinPerGroup(), coutG = g.coutPerGroup();
        float[] y = new float[batch * g.cout() * oh * ow];
        for (int n = 0; n < batch; n++) {
            for (int co = 0; co < g.cout(); co++) {
                int grp = co / coutG;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = bias == null ? 0 : bias[co];
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int ky = 0; ky < g.kh(); ky++) {
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int yy = i * g.strideH() - g.padTop() + ky * g.dilationH();
                                    int xx = j * g.strideW() - g.padLeft() + kx * g.dilationW();
                                    if (yy < 0 || yy >= g.h() || xx < 0 || xx >= g.w()) {
                                        continue;
                                    }
                                    int c = grp * cinG + ci;
                                    acc += x[((n * g.cin() + c) * g.h() + yy) * g.w() + xx]
                                            * w[((co * cinG + ci) * g.kh() + ky) * g.kw() + kx];
                                }
                            }
                        }
                        y[((n * g.cout() + co) * oh + i) * ow + j] = (float) (relu ? Math.max(0, acc) : acc);
                    }
                }
            }
        }
        return y;
    }

    @Test
    void convolutionMatchesDefinitionOnRandomGeometries() {
        SplittableRandom r = new SplittableRandom(11);
        try (Parallel one = Parallel.serial(); Parallel two = new Parallel(2)) {
            for (int trial = 0; trial < 150; trial++) {
                int group = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
                boolean depthwise = r.nextInt(5) == 0;
                int cinG = depthwise ? 1 : 1 + r.nextInt(5);
                int coutG = depthwise ? 1 : 1 + r.nextInt(6);
                if (depthwise) {
                    group = 2 + r.nextInt(3);
                }
                int kh = 1 + r.nextInt(3), kw = 1 + r.nextInt(3);
                int sh = 1 + r.nextInt(2), sw = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : sh;
                int dh = r.nextInt(4) == 0 ? 2 : 1, dw = r.nextInt(4) == 0 ? 2 : 1;
                int h = kh * dh + r.nextInt(9), w = kw * dw + r.nextInt(40);
                int pt = r.nextInt(3), pl = r.nextInt(3), pb = r.nextInt(3), pr = r.nextInt(3);
                ConvGeometry g = new ConvGeometry(cinG * group, h, w, coutG * group, kh, kw, sh, sw, dh, dw,
                        pt, pl, pb, pr, group);
                int batch = 1 + r.nextInt(3);
                float[] x = random(r, batch * g.cin() * h * w, Conv2d.slack());
                float[] wt = random(r, g.cout() * g.patch(), 0);
                float[] bias = r.nextBoolean() ? random(r, g.cout(), 0) : null;
                boolean relu = r.nextBoolean();
                float[] expect = referenceConv(g, batch, x, wt, bias, relu);
                for (Parallel par : new Parallel[] {one, two}) {
                    float[] y = new float[expect.length];
                    new Conv2d(g, wt, bias, relu).forward(x, batch, y, par);
                    for (int i = 0; i < y.length; i++) {
                        assertEquals(expect[i], y[i], 1e-4f, g + " batch " + batch + " threads " + par.threads()
                                + " at " + i);
                    }
                }
            }
        }
    }

    /** The convolution's gradients from the definition: dX, dW and dB of Σ dY·conv(X, W) + dY·B. */
    static float[][] referenceConvBackward(ConvGeometry g, int batch, float[] x, float[] w, float[] dy) {
        int oh = g.outH(), ow = g.outW(), cinG = g.cinPerGroup(), coutG = g.coutPerGroup();
        double[] dx = new double[batch * g.cin() * g.h() * g.w()], dw = new double[g.cout() * g.patch()];
        double[] db = new double[g.cout()];
        for (int n = 0; n < batch; n++) {
            for (int co = 0; co < g.cout(); co++) {
                int grp = co / coutG;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double d = dy[((n * g.cout() + co) * oh + i) * ow + j];
                        db[co] += d;
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int ky = 0; ky < g.kh(); ky++) {
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int yy = i * g.strideH() - g.padTop() + ky * g.dilationH();
                                    int xx = j * g.strideW() - g.padLeft() + kx * g.dilationW();
                                    if (yy < 0 || yy >= g.h() || xx < 0 || xx >= g.w()) {
                                        continue;
                                    }
                                    int xi = ((n * g.cin() + grp * cinG + ci) * g.h() + yy) * g.w() + xx;
                                    int wi = ((co * cinG + ci) * g.kh() + ky) * g.kw() + kx;
                                    dx[xi] += d * w[wi];
                                    dw[wi] += d * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new float[][] {toFloat(dx), toFloat(dw), toFloat(db)};
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void convolutionGradientsMatchTheDefinitionAndAddToWhatIsThere() {
        SplittableRandom r = new SplittableRandom(13);
        try (Parallel one = Parallel.serial(); Parallel two = new Parallel(2)) {
            for (int trial = 0; trial < 120; trial++) {
                boolean depthwise = r.nextInt(5) == 0;
                int group = depthwise ? 2 + r.nextInt(3) : r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
                int cinG = depthwise ? 1 : 1 + r.nextInt(5);
                int coutG = depthwise ? 1 : 1 + r.nextInt(6);
                int kh = 1 + r.nextInt(3), kw = 1 + r.nextInt(3);
                int sh = r.nextInt(3) == 0 ? 2 : 1, sw = sh;
                int dh = r.nextInt(4) == 0 ? 2 : 1, dw = r.nextInt(4) == 0 ? 2 : 1;
                int h = kh * dh + r.nextInt(9), w = kw * dw + r.nextInt(30);
                int pt = r.nextInt(4), pl = r.nextInt(4), pb = r.nextInt(4), pr = r.nextInt(4);  // some wider than the kernel
                ConvGeometry g = new ConvGeometry(cinG * group, h, w, coutG * group, kh, kw, sh, sw, dh, dw,
                        pt, pl, pb, pr, group);
                int batch = 1 + r.nextInt(5);
                float[] x = random(r, batch * g.cin() * h * w, Conv2d.slack());
                float[] wt = random(r, g.cout() * g.patch(), 0);
                float[] dy = random(r, batch * g.cout() * g.outH() * g.outW(), Conv2d.slack());
                float[][] expect = referenceConvBackward(g, batch, x, wt, dy);
                for (Parallel par : new Parallel[] {one, two}) {
                    // Start from ones: the kernels add to what the arrays hold.
                    float[] gx = filled(expect[0].length + Conv2d.slack(), 1f), gw = filled(expect[1].length, 1f);
                    float[] gb = filled(expect[2].length, 1f);
                    ConvBackward.backward(g, x, wt, dy, batch, gx, gw, gb, par);
                    String where = g + " batch " + batch + " threads " + par.threads();
                    for (int k = 0; k < 3; k++) {
                        float[] got = k == 0 ? gx : k == 1 ? gw : gb;
                        for (int i = 0; i < expect[k].length; i++) {
                            assertEquals(expect[k][i] + 1f, got[i], 1e-4f * (1 + Math.abs(expect[k][i])),
                                    where + " gradient " + "xwb".charAt(k) + " at " + i);
                        }
                    }
                }
            }
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void stridedCopyTransposesAndBroadcasts() {
        float[] src = {1, 2, 3, 4, 5, 6};                        // [2, 3]
        float[] dst = new float[6];
        Strided.copy(src, 0, new int[] {1, 3}, new int[] {3, 2}, dst);  // transpose
        assertEquals("[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]", java.util.Arrays.toString(dst));
        float[] out = new float[6];
        Broadcast.apply((a, b) -> a + b, src, new int[] {3, 1}, new float[] {10, 20}, new int[] {1, 0},
                new int[] {2, 3}, out, null);
        assertEquals("[11.0, 12.0, 13.0, 24.0, 25.0, 26.0]", java.util.Arrays.toString(out));
    }

    /** Each layout the row loops special-case (both along the row; a row broadcast; one side a scalar per row, either side), every operation, on one thread and on two, against a plain loop. */
    @Test
    void broadcastArithmeticMatchesAPlainLoop() {
        int[] shape = {3, 5, 300};
        float[] a = new float[3 * 5 * 300];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 17) - 8.5f;
        }
        float[] row = new float[300], col = new float[15];
        for (int i = 0; i < 300; i++) {
            row[i] = 1 + i % 7;
        }
        for (int i = 0; i < 15; i++) {
            col[i] = 2 + i;
        }
        int[] full = {1500, 300, 1}, rowS = {0, 0, 1}, colS = {5, 1, 0};
        try (Parallel par = new Parallel(2)) {
            for (Broadcast.Arith op : Broadcast.Arith.values()) {
                for (int layout = 0; layout < 4; layout++) {
                    float[] x = layout == 3 ? col : a, y = layout == 0 ? a : layout == 1 ? row : layout == 2 ? col : a;
                    int[] xs = layout == 3 ? colS : full, ys = layout == 0 ? full : layout == 1 ? rowS : layout == 2 ? colS : full;
                    float[] got = new float[a.length], want = new float[a.length];
                    Broadcast.apply(op, x, xs, y, ys, shape, got, layout % 2 == 0 ? par : null);
                    for (int i = 0, p = 0; p < 3; p++) {
                        for (int q = 0; q < 5; q++) {
                            for (int r = 0; r < 300; r++, i++) {
                                float u = x[p * xs[0] + q * xs[1] + r * xs[2]], v = y[p * ys[0] + q * ys[1] + r * ys[2]];
                                want[i] = switch (op) {
                                    case ADD -> u + v;
                                    case SUB -> u - v;
                                    case MUL -> u * v;
                                    case DIV -> u / v;
                                };
                            }
                        }
                    }
                    assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(got), op + " layout " + layout);
                }
            }
        }
    }
}

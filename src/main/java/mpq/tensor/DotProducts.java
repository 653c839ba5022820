package mpq.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * C += A·Bᵀ where both operands are rows read in place: C[m][n] += Σ_{i<len} A[aRow[m] + i] · B[bRow[n] + i].
 *
 * <p>This is the shape of a convolution's weight gradient: few output channels (m) and patch entries (n), very long
 * sums over pixels. Tiles of {@value #ROWS} × 2 keep sixteen vector accumulators in locals, reduced once per C
 * element; the last len mod {@link Simd#LANES} elements of each row are added in scalar code.
 */
public final class DotProducts {
    private DotProducts() {}

    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = Simd.LANES;
    /** Rows of A per tile: a caller sizing its rows keeps ROWS of them in L1, as each is reused for every B row. */
    public static final int ROWS = 8;

    public static void accumulate(float[] a, int[] aRow, float[] b, int[] bRow, int len, float[] c, int cOff,
                                  int ldc) {
        int rows = aRow.length, cols = bRow.length;
        int tail = Simd.ENABLED ? len % VL : len;   // with vectors off, the whole row is "tail"
        if (tail != 0) {
            for (int m = 0; m < rows; m++) {
                for (int n = 0; n < cols; n++) {
                    c[cOff + m * ldc + n] += dotScalar(a, aRow[m] + len - tail, b, bRow[n] + len - tail, tail);
                }
            }
        }
        len -= tail;
        if (len == 0) {
            return;
        }
        int m = 0;
        for (; m + ROWS <= rows; m += ROWS) {
            int n = 0;
            for (; n + 2 <= cols; n += 2) {
                tile(a, aRow, m, b, bRow, n, len, c, cOff + m * ldc + n, ldc);
            }
            for (; n < cols; n++) {
                for (int r = m; r < m + ROWS; r++) {
                    c[cOff + r * ldc + n] += dot(a, aRow[r], b, bRow[n], len);
                }
            }
        }
        for (; m < rows; m++) {
            for (int n = 0; n < cols; n++) {
                c[cOff + m * ldc + n] += dot(a, aRow[m], b, bRow[n], len);
            }
        }
    }

    private static void tile(float[] a, int[] aRow, int m, float[] b, int[] bRow, int n, int len, float[] c,
                             int cBase, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z;
        FloatVector s10 = z, s11 = z;
        FloatVector s20 = z, s21 = z;
        FloatVector s30 = z, s31 = z;
        FloatVector s40 = z, s41 = z;
        FloatVector s50 = z, s51 = z;
        FloatVector s60 = z, s61 = z;
        FloatVector s70 = z, s71 = z;
        int a0 = aRow[m];
        int a1 = aRow[m + 1];
        int a2 = aRow[m + 2];
        int a3 = aRow[m + 3];
        int a4 = aRow[m + 4];
        int a5 = aRow[m + 5];
        int a6 = aRow[m + 6];
        int a7 = aRow[m + 7];
        int b0 = bRow[n];
        int b1 = bRow[n + 1];
        for (int i = 0; i < len; i += VL) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + i);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + i);
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + i);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + i);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + i);
            s20 = x2.fma(y0, s20);
            s21 = x2.fma(y1, s21);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + i);
            s30 = x3.fma(y0, s30);
            s31 = x3.fma(y1, s31);
            FloatVector x4 = FloatVector.fromArray(S, a, a4 + i);
            s40 = x4.fma(y0, s40);
            s41 = x4.fma(y1, s41);
            FloatVector x5 = FloatVector.fromArray(S, a, a5 + i);
            s50 = x5.fma(y0, s50);
            s51 = x5.fma(y1, s51);
            FloatVector x6 = FloatVector.fromArray(S, a, a6 + i);
            s60 = x6.fma(y0, s60);
            s61 = x6.fma(y1, s61);
            FloatVector x7 = FloatVector.fromArray(S, a, a7 + i);
            s70 = x7.fma(y0, s70);
            s71 = x7.fma(y1, s71);
        }
        c[cBase] += s00.reduceLanes(VectorOperators.ADD);
        c[cBase + 1] += s01.reduceLanes(VectorOperators.ADD);
        c[cBase + ldc] += s10.reduceLanes(VectorOperators.ADD);
        c[cBase + ldc + 1] += s11.reduceLanes(VectorOperators.ADD);
        c[cBase + 2 * ldc] += s20.reduceLanes(VectorOperators.ADD);
        c[cBase + 2 * ldc + 1] += s21.reduceLanes(VectorOperators.ADD);
        c[cBase + 3 * ldc] += s30.reduceLanes(VectorOperators.ADD);
        c[cBase + 3 * ldc + 1] += s31.reduceLanes(VectorOperators.ADD);
        c[cBase + 4 * ldc] += s40.reduceLanes(VectorOperators.ADD);
        c[cBase + 4 * ldc + 1] += s41.reduceLanes(VectorOperators.ADD);
        c[cBase + 5 * ldc] += s50.reduceLanes(VectorOperators.ADD);
        c[cBase + 5 * ldc + 1] += s51.reduceLanes(VectorOperators.ADD);
        c[cBase + 6 * ldc] += s60.reduceLanes(VectorOperators.ADD);
        c[cBase + 6 * ldc + 1] += s61.reduceLanes(VectorOperators.ADD);
        c[cBase + 7 * ldc] += s70.reduceLanes(VectorOperators.ADD);
        c[cBase + 7 * ldc + 1] += s71.reduceLanes(VectorOperators.ADD);
    }

    private static float dot(float[] a, int ai, float[] b, int bi, int len) {
        FloatVector s = FloatVector.zero(S);
        for (int i = 0; i < len; i += VL) {
            s = FloatVector.fromArray(S, a, ai + i).fma(FloatVector.fromArray(S, b, bi + i), s);
        }
        return s.reduceLanes(VectorOperators.ADD);
    }

    private static float dotScalar(float[] a, int ai, float[] b, int bi, int len) {
        float s = 0f;
        for (int i = 0; i < len; i++) {
            s += a[ai + i] * b[bi + i];
        }
        return s;
    }
}

package mpq.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * C += A·Bᵀ where both operands are rows read in place: C[m][n] += Σ_g Σ_{i<len} A[g·aStride + aRow[m] + i] ·
 * B[g·bStride + bRow[n] + i]. The sum runs over long rows (pixels) and over a group of images laid out one after
 * another, so the vector accumulators are reduced once per C element and group, not per image.
 *
 * <p>This is the shape of a convolution's weight gradient: few output channels (m) and patch entries (n), very long
 * sums. Tiles of 4 × 4 keep sixteen vector accumulators in locals; the last len mod {@link Simd#LANES} elements of
 * each row are added in scalar code.
 */
public final class DotProducts {
    private DotProducts() {}

    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = Simd.LANES;

    public static void accumulate(float[] a, int[] aRow, int aStride, float[] b, int[] bRow, int bStride, int groups,
                                  int len, float[] c, int cOff, int ldc) {
        int rows = aRow.length, cols = bRow.length;
        int tail = Simd.ENABLED ? len % VL : len;   // with vectors off, the whole row is "tail"
        if (tail != 0) {
            for (int m = 0; m < rows; m++) {
                for (int n = 0; n < cols; n++) {
                    c[cOff + m * ldc + n] += dotScalar(a, aRow[m] + len - tail, aStride, b, bRow[n] + len - tail,
                            bStride, groups, tail);
                }
            }
        }
        if (!Simd.ENABLED) {
            return;
        }
        len -= tail;
        if (len == 0) {
            return;
        }
        int m = 0;
        for (; m + 4 <= rows; m += 4) {
            int n = 0;
            for (; n + 4 <= cols; n += 4) {
                tile(a, aRow, m, aStride, b, bRow, n, bStride, groups, len, c, cOff + m * ldc + n, ldc);
            }
            for (; n < cols; n++) {
                for (int r = m; r < m + 4; r++) {
                    c[cOff + r * ldc + n] += dot(a, aRow[r], aStride, b, bRow[n], bStride, groups, len);
                }
            }
        }
        for (; m < rows; m++) {
            for (int n = 0; n < cols; n++) {
                c[cOff + m * ldc + n] += dot(a, aRow[m], aStride, b, bRow[n], bStride, groups, len);
            }
        }
    }

    private static void tile(float[] a, int[] aRow, int m, int aStride, float[] b, int[] bRow, int n, int bStride,
                             int groups, int len, float[] c, int cBase, int ldc) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S), s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S), s33 = FloatVector.zero(S);
        for (int g = 0; g < groups; g++) {
            int a0 = g * aStride + aRow[m], a1 = g * aStride + aRow[m + 1];
            int a2 = g * aStride + aRow[m + 2], a3 = g * aStride + aRow[m + 3];
            int b0 = g * bStride + bRow[n], b1 = g * bStride + bRow[n + 1];
            int b2 = g * bStride + bRow[n + 2], b3 = g * bStride + bRow[n + 3];
            for (int i = 0; i < len; i += VL) {
                FloatVector y0 = FloatVector.fromArray(S, b, b0 + i);
                FloatVector y1 = FloatVector.fromArray(S, b, b1 + i);
                FloatVector y2 = FloatVector.fromArray(S, b, b2 + i);
                FloatVector y3 = FloatVector.fromArray(S, b, b3 + i);
                FloatVector x = FloatVector.fromArray(S, a, a0 + i);
                s00 = x.fma(y0, s00);
                s01 = x.fma(y1, s01);
                s02 = x.fma(y2, s02);
                s03 = x.fma(y3, s03);
                x = FloatVector.fromArray(S, a, a1 + i);
                s10 = x.fma(y0, s10);
                s11 = x.fma(y1, s11);
                s12 = x.fma(y2, s12);
                s13 = x.fma(y3, s13);
                x = FloatVector.fromArray(S, a, a2 + i);
                s20 = x.fma(y0, s20);
                s21 = x.fma(y1, s21);
                s22 = x.fma(y2, s22);
                s23 = x.fma(y3, s23);
                x = FloatVector.fromArray(S, a, a3 + i);
                s30 = x.fma(y0, s30);
                s31 = x.fma(y1, s31);
                s32 = x.fma(y2, s32);
                s33 = x.fma(y3, s33);
            }
        }
        addRow(c, cBase, s00, s01, s02, s03);
        addRow(c, cBase + ldc, s10, s11, s12, s13);
        addRow(c, cBase + 2 * ldc, s20, s21, s22, s23);
        addRow(c, cBase + 3 * ldc, s30, s31, s32, s33);
    }

    private static void addRow(float[] c, int at, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        c[at] += v0.reduceLanes(VectorOperators.ADD);
        c[at + 1] += v1.reduceLanes(VectorOperators.ADD);
        c[at + 2] += v2.reduceLanes(VectorOperators.ADD);
        c[at + 3] += v3.reduceLanes(VectorOperators.ADD);
    }

    private static float dot(float[] a, int aRow, int aStride, float[] b, int bRow, int bStride, int groups, int len) {
        FloatVector s = FloatVector.zero(S);
        for (int g = 0; g < groups; g++) {
            int ai = g * aStride + aRow, bi = g * bStride + bRow;
            for (int i = 0; i < len; i += VL) {
                s = FloatVector.fromArray(S, a, ai + i).fma(FloatVector.fromArray(S, b, bi + i), s);
            }
        }
        return s.reduceLanes(VectorOperators.ADD);
    }

    private static float dotScalar(float[] a, int aRow, int aStride, float[] b, int bRow, int bStride, int groups,
                                   int len) {
        float s = 0f;
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < len; i++) {
                s += a[g * aStride + aRow + i] * b[g * bStride + bRow + i];
            }
        }
        return s;
    }
}

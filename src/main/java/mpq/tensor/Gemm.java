package mpq.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked single-precision matrix product C = A·B (+ bias per row, optional ReLU).
 *
 * <p>A is packed once into panels of {@link #MR} rows ({@link #packA}). B is not packed: element (k, j) is read
 * from {@code b[bOff[k] + j]}, which covers a plain row-major matrix ({@code bOff[k] = k·ldb}), an im2col buffer,
 * and a zero-padded image read in place by a stride-1 convolution. Each micro-tile keeps MR × 2 vector
 * accumulators in locals (vectors kept in arrays are boxed and run far slower).
 *
 * <p>Contract on B: reads may run up to {@link #NR} - 1 elements past column n1 of any row, so the array needs
 * that much slack; the extra lanes are computed and never stored.
 */
public final class Gemm {
    private Gemm() {}

    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = Simd.LANES;
    /** Rows of A per micro-tile. */
    public static final int MR = 4;
    /** Columns of B per micro-tile: two vectors. */
    public static final int NR = 2 * VL;

    /** Size of the packed form of an m × k matrix. */
    public static int packedSize(int m, int k) {
        return ceilDiv(m, MR) * MR * k;
    }

    /**
     * Packs rows [0, m) of a row-major A (leading dimension lda, starting at aOff) into MR-row panels:
     * panel p holds, for each k, the MR values A[p·MR + r][k] next to each other. Missing rows are zero.
     */
    public static float[] packA(float[] a, int aOff, int m, int k, int lda) {
        float[] packed = new float[packedSize(m, k)];
        for (int p = 0; p < ceilDiv(m, MR); p++) {
            int base = p * MR * k;
            for (int r = 0; r < MR; r++) {
                int row = p * MR + r;
                if (row >= m) {
                    break;
                }
                int src = aOff + row * lda;
                for (int kk = 0; kk < k; kk++) {
                    packed[base + kk * MR + r] = a[src + kk];
                }
            }
        }
        return packed;
    }

    /**
     * C[i][j] = Σ_k A[i][k]·B(k, j) + bias[biasOff + i], then max(0, ·) if relu, for rows [0, m) and
     * columns [n0, n1). C is row-major with leading dimension ldc starting at cOff (column j at cOff + i·ldc + j).
     * bias may be null.
     */
    public static void multiply(float[] aPacked, int m, int k, float[] b, int[] bOff, float[] c, int cOff, int ldc,
                                int n0, int n1, float[] bias, int biasOff, boolean relu) {
        if (!Simd.ENABLED) {
            multiplyScalar(aPacked, m, k, b, bOff, c, cOff, ldc, n0, n1, bias, biasOff, relu);
            return;
        }
        int panels = ceilDiv(m, MR);
        float[] edge = null;  // a partial tile is computed here in full, then its valid columns copied out
        for (int j = n0; j < n1; j += NR) {
            int valid = Math.min(NR, n1 - j);
            for (int p = 0; p < panels; p++) {
                int row0 = p * MR;
                int rows = Math.min(MR, m - row0);
                if (valid == NR) {
                    tile(aPacked, p * MR * k, k, b, bOff, j, c, cOff + row0 * ldc + j, ldc, rows, bias, biasOff + row0, relu);
                } else {
                    if (edge == null) {
                        edge = new float[MR * NR];
                    }
                    tile(aPacked, p * MR * k, k, b, bOff, j, edge, 0, NR, rows, bias, biasOff + row0, relu);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(edge, r * NR, c, cOff + (row0 + r) * ldc + j, valid);
                    }
                }
            }
        }
    }

    /** One MR × NR block of C, stored with full vectors (rows beyond the matrix are not stored). */
    private static void tile(float[] a, int aBase, int k, float[] b, int[] bOff, int j, float[] c, int cBase,
                             int ldc, int rows, float[] bias, int biasBase, boolean relu) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int ai = aBase;
        for (int kk = 0; kk < k; kk++, ai += MR) {
            int bi = bOff[kk] + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        store(c00, c01, c, cBase, bias, biasBase, relu);
        if (rows > 1) {
            store(c10, c11, c, cBase + ldc, bias, biasBase + 1, relu);
        }
        if (rows > 2) {
            store(c20, c21, c, cBase + 2 * ldc, bias, biasBase + 2, relu);
        }
        if (rows > 3) {
            store(c30, c31, c, cBase + 3 * ldc, bias, biasBase + 3, relu);
        }
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int ci, float[] bias, int bi, boolean relu) {
        if (bias != null) {
            float bv = bias[bi];
            v0 = v0.add(bv);
            v1 = v1.add(bv);
        }
        if (relu) {
            v0 = v0.max(0f);
            v1 = v1.max(0f);
        }
        v0.intoArray(c, ci);
        v1.intoArray(c, ci + VL);
    }

    /** The reference path: same contract, plain loops. */
    static void multiplyScalar(float[] aPacked, int m, int k, float[] b, int[] bOff, float[] c, int cOff, int ldc,
                               int n0, int n1, float[] bias, int biasOff, boolean relu) {
        for (int i = 0; i < m; i++) {
            int panel = (i / MR) * MR * k;
            int r = i % MR;
            for (int j = n0; j < n1; j++) {
                float acc = 0f;
                for (int kk = 0; kk < k; kk++) {
                    acc += aPacked[panel + kk * MR + r] * b[bOff[kk] + j];
                }
                if (bias != null) {
                    acc += bias[biasOff + i];
                }
                c[cOff + i * ldc + j] = relu ? Math.max(0f, acc) : acc;
            }
        }
    }

    /** Row offsets of a plain row-major matrix with k rows and leading dimension ldb, starting at off. */
    public static int[] rowOffsets(int k, int ldb, int off) {
        int[] o = new int[k];
        for (int i = 0; i < k; i++) {
            o[i] = off + i * ldb;
        }
        return o;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}

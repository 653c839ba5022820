package mpq.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked single-precision matrix product C = A·B (+ bias per row, optional ReLU).
 *
 * <p>A is packed once into panels of {@link #MR} rows ({@link #packA}). B is not packed: element (k, j) is read
 * from {@code b[bOff[k] + j]}, which covers a plain row-major matrix ({@code bOff[k] = k·ldb}), an im2col buffer,
 * and the shifted planes of a stride-1 convolution; {@link #multiplyRows} also reads a zero-padded input row by row. Each micro-tile keeps MR × 2 vector accumulators in locals
 * (vectors kept in arrays are boxed and run far slower); bias and ReLU are applied in registers before the store.
 *
 * <p>Contract on B: reads may run up to {@link #NR} - 1 elements past column n1 of any row, so the array needs
 * that much slack; the extra lanes are computed and never stored.
 */
public final class Gemm {
    private Gemm() {}

    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = Simd.LANES;
    /** Rows of A per micro-tile. */
    public static final int MR = 8;
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
        multiplyRows(aPacked, m, k, b, bOff, c, cOff, ldc, n0, n1, 1, 1, bias, biasOff, relu, false);
    }

    /**
     * The product with B's columns laid out in rows: column j of C comes from column
     * (j / rowWidth)·rowStride + j % rowWidth of B, e.g. an output row of a convolution from a zero-padded input row
     * that is wider. rowWidth must be a multiple of {@link Simd#LANES} (one vector never spans two rows) unless it
     * equals rowStride (no gaps). With accumulate, C += the product, then bias and ReLU.
     */
    public static void multiplyRows(float[] aPacked, int m, int k, float[] b, int[] bOff, float[] c, int cOff, int ldc,
                                    int n0, int n1, int rowWidth, int rowStride, float[] bias, int biasOff, boolean relu,
                                    boolean accumulate) {
        if (rowWidth != rowStride && rowWidth % VL != 0) {
            throw new IllegalArgumentException("row width " + rowWidth + " is not a multiple of " + VL + " lanes");
        }
        if (!Simd.ENABLED) {
            multiplyScalar(aPacked, m, k, b, bOff, c, cOff, ldc, n0, n1, rowWidth, rowStride, bias, biasOff, relu,
                    accumulate);
            return;
        }
        int panels = ceilDiv(m, MR);
        float[] edge = null;  // a partial tile is computed here in full (from C, when accumulating), then copied out
        for (int j = n0; j < n1; j += NR) {
            int valid = Math.min(NR, n1 - j);
            int j0 = column(j, rowWidth, rowStride);
            int j1 = valid > VL ? column(j + VL, rowWidth, rowStride) : j0;   // past n1: lanes never stored
            for (int p = 0; p < panels; p++) {
                int row0 = p * MR;
                int rows = Math.min(MR, m - row0);
                if (valid == NR) {
                    tile(aPacked, p * MR * k, k, b, bOff, j0, j1, c, cOff + row0 * ldc + j, ldc, rows, accumulate, bias,
                            biasOff + row0, relu);
                } else {
                    if (edge == null) {
                        edge = new float[MR * NR];
                    }
                    if (accumulate) {
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(c, cOff + (row0 + r) * ldc + j, edge, r * NR, valid);
                        }
                    }
                    tile(aPacked, p * MR * k, k, b, bOff, j0, j1, edge, 0, NR, rows, accumulate, bias, biasOff + row0,
                            relu);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(edge, r * NR, c, cOff + (row0 + r) * ldc + j, valid);
                    }
                }
            }
        }
    }

    /**
     * One MR × NR block of C, stored with full vectors (rows beyond the matrix are not stored). Vector operations
     * only, no calls: a helper that C2 declines to inline would box every vector passed to it.
     */
    private static void tile(float[] a, int aBase, int k, float[] b, int[] bOff, int j0, int j1, float[] c, int cBase,
                             int ldc, int rows, boolean accumulate, float[] bias, int biasBase, boolean relu) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        if (accumulate) {   // start from C; rows past the matrix start from zero and are never stored
            c00 = FloatVector.fromArray(S, c, cBase);
            c01 = FloatVector.fromArray(S, c, cBase + VL);
            if (rows > 1) {
                c10 = FloatVector.fromArray(S, c, cBase + ldc);
                c11 = FloatVector.fromArray(S, c, cBase + ldc + VL);
            }
            if (rows > 2) {
                c20 = FloatVector.fromArray(S, c, cBase + 2 * ldc);
                c21 = FloatVector.fromArray(S, c, cBase + 2 * ldc + VL);
            }
            if (rows > 3) {
                c30 = FloatVector.fromArray(S, c, cBase + 3 * ldc);
                c31 = FloatVector.fromArray(S, c, cBase + 3 * ldc + VL);
            }
            if (rows > 4) {
                c40 = FloatVector.fromArray(S, c, cBase + 4 * ldc);
                c41 = FloatVector.fromArray(S, c, cBase + 4 * ldc + VL);
            }
            if (rows > 5) {
                c50 = FloatVector.fromArray(S, c, cBase + 5 * ldc);
                c51 = FloatVector.fromArray(S, c, cBase + 5 * ldc + VL);
            }
            if (rows > 6) {
                c60 = FloatVector.fromArray(S, c, cBase + 6 * ldc);
                c61 = FloatVector.fromArray(S, c, cBase + 6 * ldc + VL);
            }
            if (rows > 7) {
                c70 = FloatVector.fromArray(S, c, cBase + 7 * ldc);
                c71 = FloatVector.fromArray(S, c, cBase + 7 * ldc + VL);
            }
        }
        int ai = aBase;
        for (int kk = 0; kk < k; kk++, ai += MR) {
            int bi = bOff[kk];
            FloatVector b0 = FloatVector.fromArray(S, b, bi + j0);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + j1);
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
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        if (bias != null) {   // rows past the matrix get no bias and are never stored
            float bias0 = bias[biasBase];
            c00 = c00.add(bias0);
            c01 = c01.add(bias0);
            if (rows > 1) {
                float bias1 = bias[biasBase + 1];
                c10 = c10.add(bias1);
                c11 = c11.add(bias1);
            }
            if (rows > 2) {
                float bias2 = bias[biasBase + 2];
                c20 = c20.add(bias2);
                c21 = c21.add(bias2);
            }
            if (rows > 3) {
                float bias3 = bias[biasBase + 3];
                c30 = c30.add(bias3);
                c31 = c31.add(bias3);
            }
            if (rows > 4) {
                float bias4 = bias[biasBase + 4];
                c40 = c40.add(bias4);
                c41 = c41.add(bias4);
            }
            if (rows > 5) {
                float bias5 = bias[biasBase + 5];
                c50 = c50.add(bias5);
                c51 = c51.add(bias5);
            }
            if (rows > 6) {
                float bias6 = bias[biasBase + 6];
                c60 = c60.add(bias6);
                c61 = c61.add(bias6);
            }
            if (rows > 7) {
                float bias7 = bias[biasBase + 7];
                c70 = c70.add(bias7);
                c71 = c71.add(bias7);
            }
        }
        if (relu) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
            c10 = c10.max(0f);
            c11 = c11.max(0f);
            c20 = c20.max(0f);
            c21 = c21.max(0f);
            c30 = c30.max(0f);
            c31 = c31.max(0f);
            c40 = c40.max(0f);
            c41 = c41.max(0f);
            c50 = c50.max(0f);
            c51 = c51.max(0f);
            c60 = c60.max(0f);
            c61 = c61.max(0f);
            c70 = c70.max(0f);
            c71 = c71.max(0f);
        }
        c00.intoArray(c, cBase);
        c01.intoArray(c, cBase + VL);
        if (rows > 1) {
            c10.intoArray(c, cBase + ldc);
            c11.intoArray(c, cBase + ldc + VL);
        }
        if (rows > 2) {
            c20.intoArray(c, cBase + 2 * ldc);
            c21.intoArray(c, cBase + 2 * ldc + VL);
        }
        if (rows > 3) {
            c30.intoArray(c, cBase + 3 * ldc);
            c31.intoArray(c, cBase + 3 * ldc + VL);
        }
        if (rows > 4) {
            c40.intoArray(c, cBase + 4 * ldc);
            c41.intoArray(c, cBase + 4 * ldc + VL);
        }
        if (rows > 5) {
            c50.intoArray(c, cBase + 5 * ldc);
            c51.intoArray(c, cBase + 5 * ldc + VL);
        }
        if (rows > 6) {
            c60.intoArray(c, cBase + 6 * ldc);
            c61.intoArray(c, cBase + 6 * ldc + VL);
        }
        if (rows > 7) {
            c70.intoArray(c, cBase + 7 * ldc);
            c71.intoArray(c, cBase + 7 * ldc + VL);
        }
    }

    /** The reference path: same contract, plain loops. */
    static void multiplyScalar(float[] aPacked, int m, int k, float[] b, int[] bOff, float[] c, int cOff, int ldc,
                               int n0, int n1, int rowWidth, int rowStride, float[] bias, int biasOff, boolean relu,
                               boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int panel = (i / MR) * MR * k;
            int r = i % MR;
            for (int j = n0; j < n1; j++) {
                float acc = 0f;
                int jb = column(j, rowWidth, rowStride);
                for (int kk = 0; kk < k; kk++) {
                    acc += aPacked[panel + kk * MR + r] * b[bOff[kk] + jb];
                }
                if (bias != null) {
                    acc += bias[biasOff + i];
                }
                if (accumulate) {
                    acc += c[cOff + i * ldc + j];
                }
                c[cOff + i * ldc + j] = relu ? Math.max(0f, acc) : acc;
            }
        }
    }

    /** B's column for C's column j (see {@link #multiplyRows}). */
    private static int column(int j, int rowWidth, int rowStride) {
        return rowWidth == rowStride ? j : j / rowWidth * rowStride + j % rowWidth;
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

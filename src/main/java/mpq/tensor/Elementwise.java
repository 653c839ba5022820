package mpq.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vectorised element-wise loops over float arrays: the fused epilogues and the hot binary ops. */
public final class Elementwise {
    private Elementwise() {}

    private static final VectorSpecies<Float> S = Simd.F;

    /** dst[d + i] = src[s + i] + bias, then max(0, ·) if relu, for i in [0, n). */
    public static void biasRelu(float[] src, int s, float[] dst, int d, int n, float bias, boolean relu) {
        int i = 0;
        if (Simd.ENABLED) {
            int bound = S.loopBound(n);
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, src, s + i).add(bias);
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(dst, d + i);
            }
        }
        for (; i < n; i++) {
            float v = src[s + i] + bias;
            dst[d + i] = relu ? Math.max(0f, v) : v;
        }
    }

    /** dst[d + i] += src[s + i] for i in [0, n). */
    public static void addTo(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            int bound = S.loopBound(n);
            for (; i < bound; i += S.length()) {
                FloatVector.fromArray(S, src, s + i).add(FloatVector.fromArray(S, dst, d + i)).intoArray(dst, d + i);
            }
        }
        for (; i < n; i++) {
            dst[d + i] += src[s + i];
        }
    }

    /** Σ x[off + i] for i in [0, n). */
    public static float sum(float[] x, int off, int n) {
        int i = 0;
        float s = 0f;
        if (Simd.ENABLED) {
            int bound = S.loopBound(n);
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += S.length()) {
                acc = acc.add(FloatVector.fromArray(S, x, off + i));
            }
            s = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    /** dx[i] += dy[i] where x[i] > 0: the gradient of ReLU, added. */
    public static void reluBackward(float[] x, float[] dy, float[] dx, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            int bound = S.loopBound(n);
            FloatVector zero = FloatVector.zero(S);
            for (; i < bound; i += S.length()) {
                FloatVector g = FloatVector.fromArray(S, dy, i)
                        .blend(zero, FloatVector.fromArray(S, x, i).compare(VectorOperators.LE, 0f));
                g.add(FloatVector.fromArray(S, dx, i)).intoArray(dx, i);
            }
        }
        for (; i < n; i++) {
            if (x[i] > 0f) {
                dx[i] += dy[i];
            }
        }
    }

    /** out[i] = a[i] + b[i] (then ReLU if asked) for i in [from, to). */
    public static void add(float[] a, float[] b, float[] out, int from, int to, boolean relu) {
        int i = from;
        if (Simd.ENABLED) {
            int bound = from + S.loopBound(to - from);
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i));
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(out, i);
            }
        }
        for (; i < to; i++) {
            float v = a[i] + b[i];
            out[i] = relu ? Math.max(0f, v) : v;
        }
    }

    /** out[off + i] = x[off + i] · scale + shift for i in [0, n): one channel of a batch norm or affine map. */
    public static void affine(float[] x, float[] out, int off, int n, float scale, float shift, boolean relu) {
        int i = 0;
        if (Simd.ENABLED) {
            int bound = S.loopBound(n);
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, off + i).fma(scale, shift);
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(out, off + i);
            }
        }
        for (; i < n; i++) {
            float v = x[off + i] * scale + shift;
            out[off + i] = relu ? Math.max(0f, v) : v;
        }
    }

    /** out[i] = max(0, x[i]). */
    public static void relu(float[] x, float[] out, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            int bound = S.loopBound(n);
            for (; i < bound; i += S.length()) {
                FloatVector.fromArray(S, x, i).max(0f).intoArray(out, i);
            }
        }
        for (; i < n; i++) {
            out[i] = Math.max(0f, x[i]);
        }
    }
}

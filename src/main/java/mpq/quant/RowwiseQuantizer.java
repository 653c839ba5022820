package mpq.quant;

import java.util.Arrays;
import java.util.Locale;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/**
 * Row-wise quantization of an embedding table [rows, dim] (the row-wise embedding paper): each row its own asymmetric
 * uniform grid x̂ = s·q + b, q ∈ [0, 2^k − 1], with s and b rounded to float16; the range per row by min/max or by the
 * greedy search (shrink from below or above in steps of range/200, whichever lowers the row's L2 error more, until
 * 16% is gone; the best range seen wins); or a codebook per row: 2^k float16 centroids by one-dimensional k-means.
 * Deterministic, so a recipe names only the table, the bits and the method.
 */
public final class RowwiseQuantizer {
    private RowwiseQuantizer() {}

    public enum Method {
        MINMAX, GREEDY, CODEBOOK;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Method of(String name) {
            for (Method m : values()) {
                if (m.label().equals(name)) {
                    return m;
                }
            }
            throw new BadInputException("embedding method '" + name + "' is none of minmax, greedy, codebook");
        }
    }

    /**
     * A quantized table: codes [rows·dim] in 0..2^bits − 1; for the uniform methods scale and bias per row, for the
     * codebook method its centroids [rows · 2^bits].
     */
    public record Quantized(int rows, int dim, int bits, Method method, int[] codes, float[] scale, float[] bias,
                            float[] codebook) {
        /** The values the model computes with, as float32 arithmetic computes s·q + b. */
        public Tensor dequantized() {
            float[] out = new float[rows * dim];
            int k = 1 << bits;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < dim; j++) {
                    int q = codes[r * dim + j];
                    out[r * dim + j] = method == Method.CODEBOOK ? codebook[r * k + q] : value(scale[r], q, bias[r]);
                }
            }
            return Tensor.of(new int[] {rows, dim}, out);
        }

        /** Bytes as deployed: packed codes plus two float16 per row (scale, bias) or 2^bits float16 centroids. */
        public long packedBytes() {
            long codeBytes = ((long) rows * dim * bits + 7) / 8;
            return codeBytes + (long) rows * 2 * (method == Method.CODEBOOK ? 1 << bits : 2);
        }
    }

    /** s·q + b in float32, in that order: what the exported model computes. */
    static float value(float s, int q, float b) {
        float sq = s * q;
        return sq + b;
    }

    public static Quantized quantize(Tensor table, int bits, Method method) {
        if (table.rank() != 2) {
            throw new BadInputException("an embedding table must be [rows, dim], got " + Arrays.toString(table.shape()));
        }
        if (bits < 1 || bits > 8) {
            throw new BadInputException("--embedding-bits must be 1 to 8, got " + bits);
        }
        int rows = table.dim(0), dim = table.dim(1), levels = (1 << bits) - 1;
        float[] x = table.data();
        int[] codes = new int[rows * dim];
        if (method == Method.CODEBOOK) {
            float[] book = new float[rows << bits];
            for (int r = 0; r < rows; r++) {
                codebookRow(x, r * dim, dim, 1 << bits, codes, book, r << bits);
            }
            return new Quantized(rows, dim, bits, method, codes, null, null, book);
        }
        float[] scale = new float[rows], bias = new float[rows];
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < dim; j++) {
                lo = Math.min(lo, x[o + j]);
                hi = Math.max(hi, x[o + j]);
            }
            if (method == Method.GREEDY) {
                float[] best = greedyRange(x, o, dim, lo, hi, levels);
                lo = best[0];
                hi = best[1];
            }
            scale[r] = half(grid(lo, hi, levels));
            bias[r] = half(lo);
            for (int j = 0; j < dim; j++) {
                codes[o + j] = code(x[o + j], scale[r], bias[r], levels);
            }
        }
        return new Quantized(rows, dim, bits, method, codes, scale, bias, null);
    }

    private static float grid(float lo, float hi, int levels) {
        float s = (hi - lo) / levels;
        return s > 0 ? s : 1f;   // a constant row: any step, every value is its bias
    }

    private static float half(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    private static int code(float v, float s, float b, int levels) {
        return (int) Math.max(0, Math.min(levels, Math.rint((v - b) / s)));
    }

    /** Squared error of the row on the grid [lo, hi], with s and b rounded to float16 as they are stored. */
    private static double error(float[] x, int o, int n, float lo, float hi, int levels) {
        float s = half(grid(lo, hi, levels)), b = half(lo);
        double e = 0;
        for (int j = 0; j < n; j++) {
            double d = x[o + j] - value(s, code(x[o + j], s, b, levels), b);
            e += d * d;
        }
        return e;
    }

    private static float[] greedyRange(float[] x, int o, int n, float min, float max, int levels) {
        float step = (max - min) / 200, lo = min, hi = max;
        float bestLo = lo, bestHi = hi;
        double best = error(x, o, n, lo, hi, levels);
        while (step > 0 && hi - lo >= 0.84f * (max - min)) {
            double up = error(x, o, n, lo + step, hi, levels), down = error(x, o, n, lo, hi - step, levels);
            if (up < down) {
                lo += step;
            } else {
                hi -= step;
            }
            double e = Math.min(up, down);
            if (e < best) {
                best = e;
                bestLo = lo;
                bestHi = hi;
            }
        }
        return new float[] {bestLo, bestHi};
    }

    /**
     * One-dimensional k-means of a row: centroids start at evenly spaced quantiles; sorted values make each
     * assignment a sweep over the midpoints and each update a segment mean. Centroids rounded to float16.
     */
    private static void codebookRow(float[] x, int o, int n, int k, int[] codes, float[] book, int bo) {
        float[] v = Arrays.copyOfRange(x, o, o + n);
        Arrays.sort(v);
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + v[i];
        }
        double[] c = new double[k];
        for (int i = 0; i < k; i++) {
            c[i] = v[(int) Math.min(n - 1, Math.round((i + 0.5) * n / k - 0.5))];
        }
        int[] end = new int[k];   // segment i of the sorted values is [end[i−1], end[i])
        for (int iter = 0; iter < 30; iter++) {
            int at = 0;
            for (int i = 0; i < k; i++) {
                double mid = i + 1 < k ? (c[i] + c[i + 1]) / 2 : Double.POSITIVE_INFINITY;
                while (at < n && v[at] <= mid) {
                    at++;
                }
                end[i] = at;
            }
            boolean moved = false;
            for (int i = 0, start = 0; i < k; start = end[i], i++) {
                if (end[i] > start) {
                    double m = (prefix[end[i]] - prefix[start]) / (end[i] - start);
                    moved |= m != c[i];
                    c[i] = m;
                }
            }
            if (!moved) {
                break;
            }
        }
        for (int i = 0; i < k; i++) {
            book[bo + i] = half((float) c[i]);
        }
        for (int j = 0; j < n; j++) {   // each value to its nearest stored centroid
            float val = x[o + j];
            int best = 0;
            for (int i = 1; i < k; i++) {
                if (Math.abs(val - book[bo + i]) < Math.abs(val - book[bo + best])) {
                    best = i;
                }
            }
            codes[o + j] = best;
        }
    }
}

package mpq.quant;

import java.util.Arrays;

/**
 * A streaming histogram of a tensor's values over [−R, R], with exact count, min, max, mean and variance.
 * When a value beyond R arrives, R doubles and neighbouring bins merge, so one pass over the calibration data
 * suffices whatever the data's scale. Bins are symmetric about zero; zero is the lower edge of bin B/2.
 */
public final class Histogram {
    /** Default bins for activations: fine enough for a 16-bit grid's clipping search to be reliable. */
    public static final int DEFAULT_BINS = 8192;

    private final double[] counts;
    private double range;          // R; 0 until a non-zero value arrives
    private long zerosBeforeRange; // zeros seen while R was still 0
    private long count, zeros;
    private double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    private double sum, sumSquares;

    public Histogram(int bins) {
        if (bins < 4 || bins % 4 != 0) {
            throw new IllegalArgumentException("bins must be a positive multiple of 4, got " + bins);
        }
        counts = new double[bins];
    }

    public Histogram() {
        this(DEFAULT_BINS);
    }

    /** A histogram of the given values whose range is exactly their largest magnitude (for weights). */
    public static Histogram of(float[] x, int from, int to, int bins) {
        Histogram h = new Histogram(bins);
        double maxAbs = 0;
        for (int i = from; i < to; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(x[i]));
        }
        h.range = maxAbs;
        h.add(x, from, to);
        return h;
    }

    /** Adds x[from, to). NaN and ±Inf are refused: they mean the model or the data is broken. */
    public void add(float[] x, int from, int to) {
        double lo = min, hi = max, s = 0, ss = 0;
        float maxAbs = 0;
        long z = 0;
        for (int i = from; i < to; i++) {
            float v = x[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(v + " among the observed values");
            }
            maxAbs = Math.max(maxAbs, Math.abs(v));
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            s += v;
            ss += (double) v * v;
            z += v == 0 ? 1 : 0;
        }
        zeros += z;
        min = lo;
        max = hi;
        sum += s;
        sumSquares += ss;
        count += to - from;
        if (maxAbs == 0 && range == 0) {
            zerosBeforeRange += to - from;
            return;
        }
        grow(maxAbs);
        int bins = counts.length;
        double scale = bins / (2 * range);
        for (int i = from; i < to; i++) {
            int b = (int) ((x[i] + range) * scale);
            counts[Math.min(bins - 1, Math.max(0, b))]++;
        }
    }

    /** Makes R at least need, doubling it and merging bin pairs into the middle half. */
    private void grow(double need) {
        if (range == 0) {
            range = need;
            counts[counts.length / 2] += zerosBeforeRange;
            zerosBeforeRange = 0;
            return;
        }
        int bins = counts.length;
        while (range < need) {
            double[] merged = new double[bins];
            for (int i = 0; i < bins; i++) {
                merged[bins / 4 + i / 2] += counts[i];
            }
            System.arraycopy(merged, 0, counts, 0, bins);
            range *= 2;
        }
    }

    public long count() {
        return count;
    }

    public double min() {
        return count == 0 ? 0 : min;
    }

    public double max() {
        return count == 0 ? 0 : max;
    }

    public double maxAbs() {
        return Math.max(Math.abs(min()), Math.abs(max()));
    }

    /** Values that were exactly zero (after a ReLU, often most of them). */
    public long zeros() {
        return zeros;
    }

    /** Sum of the values and of their squares (exact, in double). */
    public double sum() {
        return sum;
    }

    public double sumOfSquares() {
        return sumSquares;
    }

    public double mean() {
        return count == 0 ? 0 : sum / count;
    }

    public double variance() {
        if (count == 0) {
            return 0;
        }
        double m = mean();
        return Math.max(0, sumSquares / count - m * m);
    }

    public int bins() {
        return counts.length;
    }

    /** Current half-width R; 0 while every value seen was zero. */
    public double range() {
        return range;
    }

    public double binWidth() {
        return range == 0 ? 0 : 2 * range / counts.length;
    }

    /** Lower edge of bin i. */
    public double edge(int i) {
        return -range + i * binWidth();
    }

    /** Middle of bin i, kept within [min, max] so that an empty tail never pulls a value past the data. */
    public double center(int i) {
        return Math.min(max(), Math.max(min(), -range + (i + 0.5) * binWidth()));
    }

    public double countAt(int i) {
        return range == 0 ? (i == counts.length / 2 ? zerosBeforeRange : 0) : counts[i];
    }

    /** A copy of the bin counts. */
    public double[] counts() {
        double[] c = Arrays.copyOf(counts, counts.length);
        c[counts.length / 2] += zerosBeforeRange;
        return c;
    }

    /** True when no value below zero was seen. */
    public boolean nonNegative() {
        return min() >= 0;
    }

    /** The value below which a fraction p of the data lies, interpolating linearly within a bin. */
    public double quantile(double p) {
        if (count == 0 || range == 0) {
            return 0;
        }
        double target = p * count;
        double seen = 0;
        for (int i = 0; i < counts.length; i++) {
            double c = countAt(i);
            if (c > 0 && seen + c >= target) {
                double v = edge(i) + (target - seen) / c * binWidth();
                return Math.min(max, Math.max(min, v));
            }
            seen += c;
        }
        return max;
    }
}

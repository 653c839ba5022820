package mpq.quant;

/**
 * Clips the tails: the range ends at the p-th percentile (and, for signed data on an affine grid, the (100 − p)-th
 * below); on a symmetric grid at the p-th percentile of |x|.
 */
public final class PercentileEstimator implements RangeEstimator {
    public static final double DEFAULT_PERCENT = 99.99;

    private final double percent;

    public PercentileEstimator(double percent) {
        if (!(percent > 50 && percent <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], got " + percent);
        }
        this.percent = percent;
    }

    @Override
    public String name() {
        return percent == DEFAULT_PERCENT ? "percentile" : "percentile:" + percent;
    }

    @Override
    public Range estimate(Histogram h, IntGrid grid, boolean symmetric) {
        double p = percent / 100;
        if (symmetric && !h.nonNegative()) {
            double a = absQuantile(h, p);
            return new Range(-a, a);
        }
        double hi = Math.max(0, h.quantile(p));
        double lo = h.nonNegative() ? 0 : Math.min(0, h.quantile(1 - p));
        return new Range(lo, hi);
    }

    /** The p-quantile of |x|: bins i and B−1−i hold mirror-image magnitudes. */
    static double absQuantile(Histogram h, double p) {
        int half = h.bins() / 2;
        double[] c = h.counts();
        double total = h.count(), target = p * total, seen = 0;
        for (int j = 0; j < half; j++) {
            double n = c[half + j] + c[half - 1 - j];
            if (n > 0 && seen + n >= target) {
                return Math.min(h.maxAbs(), (j + (target - seen) / n) * h.binWidth());
            }
            seen += n;
        }
        return h.maxAbs();
    }
}

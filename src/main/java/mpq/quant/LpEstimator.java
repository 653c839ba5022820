package mpq.quant;

/**
 * The clipping range that minimises the mean of |x − Q(x)|^p (rounding inside the range plus clipping outside it) on
 * the observed data: p = 2 is the mean squared error ("mse"); larger p weighs the clipped tails more and so clips
 * less (LAPQ's initialisation scans p). Symmetric grids and non-negative data have one free end, found by a scan;
 * signed data on an affine grid has two, found by shrinking both ends together and then each end alone, twice over.
 */
public final class LpEstimator implements RangeEstimator {
    private final double p;

    public LpEstimator(double p) {
        if (!(p > 0) || Double.isInfinite(p)) {
            throw new IllegalArgumentException("the norm's power must be positive and finite, got " + p);
        }
        this.p = p;
    }

    /** The mean-squared-error estimator, "mse". */
    public static LpEstimator mse() {
        return new LpEstimator(2);
    }

    public double power() {
        return p;
    }

    @Override
    public String name() {
        return p == 2 ? "mse" : "lp:" + p;
    }

    @Override
    public Range estimate(Histogram h, IntGrid grid, boolean symmetric) {
        Range full = RangeEstimator.fullRange(h, symmetric);
        if (full.width() == 0) {
            return full;
        }
        QuantError err = new QuantError(h);
        double a = err.bestFactor(f -> scaled(full, f, f), grid, symmetric, p);
        boolean twoEnds = !symmetric && full.lo() < 0 && full.hi() > 0;
        if (!twoEnds) {
            return scaled(full, a, a);
        }
        double fLo = a, fHi = a;
        for (int round = 0; round < 2; round++) {
            double hiNow = fHi;
            fLo = err.bestFactor(f -> scaled(full, f, hiNow), grid, false, p);
            double loNow = fLo;
            fHi = err.bestFactor(f -> scaled(full, loNow, f), grid, false, p);
        }
        return scaled(full, fLo, fHi);
    }

    private static Range scaled(Range r, double fLo, double fHi) {
        return new Range(r.lo() * fLo, r.hi() * fHi);
    }
}

package mpq.quant;

/**
 * The clipping range that minimises the mean squared quantization error (rounding inside the range plus clipping
 * outside it) on the observed data. Symmetric grids and non-negative data have one free end, found by a scan; signed
 * data on an affine grid has two, found by shrinking both ends together and then each end alone, twice over.
 */
public final class MseEstimator implements RangeEstimator {
    @Override
    public String name() {
        return "mse";
    }

    @Override
    public Range estimate(Histogram h, IntGrid grid, boolean symmetric) {
        Range full = RangeEstimator.fullRange(h, symmetric);
        if (full.width() == 0) {
            return full;
        }
        QuantError err = new QuantError(h);
        double a = err.bestFactor(f -> scaled(full, f, f), grid, symmetric);
        boolean twoEnds = !symmetric && full.lo() < 0 && full.hi() > 0;
        if (!twoEnds) {
            return scaled(full, a, a);
        }
        double fLo = a, fHi = a;
        for (int round = 0; round < 2; round++) {
            double hiNow = fHi;
            fLo = err.bestFactor(f -> scaled(full, f, hiNow), grid, false);
            double loNow = fLo;
            fHi = err.bestFactor(f -> scaled(full, loNow, f), grid, false);
        }
        return scaled(full, fLo, fHi);
    }

    private static Range scaled(Range r, double fLo, double fHi) {
        return new Range(r.lo() * fLo, r.hi() * fHi);
    }
}

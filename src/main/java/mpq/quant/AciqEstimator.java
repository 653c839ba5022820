package mpq.quant;

import java.util.function.DoubleUnaryOperator;

/**
 * ACIQ (Banner et al.): fit a Laplace or a Gaussian to the data — whichever has the higher maximum likelihood — and
 * take the clip that minimises the expected squared error under the fit: the clipping error of the tails plus
 * Δ²/12 for the values inside, Δ being the step the clip implies. Non-negative data (after a ReLU) is fitted by the
 * one-sided versions (exponential, half-normal) on its non-zero part; zeros are exact on every grid.
 */
public final class AciqEstimator implements RangeEstimator {
    private static final int STEPS = 400;

    @Override
    public String name() {
        return "aciq";
    }

    @Override
    public Range estimate(Histogram h, IntGrid grid, boolean symmetric) {
        Range full = RangeEstimator.fullRange(h, symmetric);
        if (full.width() == 0) {
            return full;
        }
        return h.nonNegative() ? oneSided(h, grid, symmetric) : twoSided(h, grid, symmetric);
    }

    private static Range oneSided(Histogram h, IntGrid grid, boolean symmetric) {
        double n = h.count() - h.zeros();
        if (n <= 0) {
            return new Range(0, 0);
        }
        double m1 = h.sum() / n, m2 = h.sumOfSquares() / n;
        double b = m1, sigma = Math.sqrt(m2);
        // Log-likelihood per value at the maximum-likelihood fit: exponential −(ln b + 1), half-normal
        // ½ln(2/π) − ln σ − ½.
        boolean exponential = -(Math.log(b) + 1) >= 0.5 * Math.log(2 / Math.PI) - Math.log(sigma) - 0.5;
        DoubleUnaryOperator tail = exponential
                ? c -> 2 * b * b * Math.exp(-c / b)
                : c -> 2 * gaussianTail(c, sigma);
        DoubleUnaryOperator inside = exponential
                ? c -> 1 - Math.exp(-c / b)
                : c -> 1 - 2 * upperTail(c / sigma);
        double best = h.max(), bestErr = Double.POSITIVE_INFINITY;
        for (int k = 1; k <= STEPS; k++) {
            double c = h.max() * k / STEPS;
            double step = QuantParams.of(grid, symmetric, new Range(0, c)).scale(0);
            double e = tail.applyAsDouble(c) + step * step / 12 * inside.applyAsDouble(c);
            if (e < bestErr) {
                bestErr = e;
                best = c;
            }
        }
        return new Range(0, best);
    }

    private static Range twoSided(Histogram h, IntGrid grid, boolean symmetric) {
        double mu = h.mean(), sigma = Math.sqrt(h.variance());
        double b = meanAbsoluteDeviation(h, mu);
        if (b == 0 || sigma == 0) {
            return RangeEstimator.fullRange(h, symmetric);
        }
        // Per-value log-likelihood at the fit: Laplace −(ln 2b + 1), Gaussian −(½ln 2πσ² + ½).
        boolean laplace = -(Math.log(2 * b) + 1) >= -(0.5 * Math.log(2 * Math.PI * sigma * sigma) + 0.5);
        DoubleUnaryOperator tail = laplace ? a -> 2 * b * b * Math.exp(-a / b) : a -> 2 * gaussianTail(a, sigma);
        DoubleUnaryOperator inside = laplace ? a -> 1 - Math.exp(-a / b) : a -> 1 - 2 * upperTail(a / sigma);
        double cap = Math.max(h.max() - mu, mu - h.min());
        Range best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int k = 1; k <= STEPS; k++) {
            double a = cap * k / STEPS;
            Range r = symmetric
                    ? new Range(-(Math.abs(mu) + a), Math.abs(mu) + a)
                    : new Range(Math.max(h.min(), mu - a), Math.min(h.max(), mu + a));
            double step = QuantParams.of(grid, symmetric, r).scale(0);
            double e = tail.applyAsDouble(a) + step * step / 12 * inside.applyAsDouble(a);
            if (e < bestErr) {
                bestErr = e;
                best = r;
            }
        }
        return best;
    }

    private static double meanAbsoluteDeviation(Histogram h, double mu) {
        double sum = 0;
        for (int i = 0; i < h.bins(); i++) {
            double c = h.countAt(i);
            if (c > 0) {
                sum += c * Math.abs(h.center(i) - mu);
            }
        }
        return h.count() == 0 ? 0 : sum / h.count();
    }

    /** ∫_c^∞ (x − c)² of a zero-mean normal density with deviation σ: σ²[(1 + z²)Q(z) − zφ(z)], z = c/σ. */
    static double gaussianTail(double c, double sigma) {
        double z = c / sigma;
        double phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        return sigma * sigma * Math.max(0, (1 + z * z) * upperTail(z) - z * phi);
    }

    /** Q(z) = P(Z > z) for a standard normal Z. */
    static double upperTail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    /** Complementary error function (Abramowitz and Stegun 7.1.26; relative error small also in the tail). */
    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        double t = 1 / (1 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return poly * Math.exp(-x * x);
    }
}

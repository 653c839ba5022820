package mpq.quant;

import java.util.function.DoubleFunction;

/**
 * Mean squared quantization error of the data a histogram summarises, each non-empty bin standing for its values
 * at its centre. Built once per histogram, then evaluated for many candidate ranges.
 */
public final class QuantError {
    private final float[] centers;
    private final double[] counts;
    private final double total;

    public QuantError(Histogram h) {
        int n = 0;
        for (int i = 0; i < h.bins(); i++) {
            if (h.countAt(i) > 0) {
                n++;
            }
        }
        centers = new float[n];
        counts = new double[n];
        double t = 0;
        for (int i = 0, k = 0; i < h.bins(); i++) {
            double c = h.countAt(i);
            if (c > 0) {
                centers[k] = (float) h.center(i);
                counts[k++] = c;
                t += c;
            }
        }
        total = t;
    }

    /** Mean over all values of (x − Q(x))² under per-tensor parameters. */
    public double meanSquared(QuantParams p) {
        return meanPower(p, 2);
    }

    /**
     * The same for an activation read through SPARQ windows: each level mapped through the windows. With vSPARQ a
     * value's partner is taken to be zero as often as the data's values are (the histogram has no pairs), and the
     * value then keeps the wider window.
     */
    public double meanSquared(QuantParams p, SparqWindows w) {
        if (total == 0) {
            return 0;
        }
        int bits = p.grid().bits();
        int[] alone = w.table(bits), paired = w.pairTable(bits);
        float s = p.scale(0), hi = p.highSteps(0);
        double zeros = 0, sumAlone = 0, sumPaired = 0;
        for (int i = 0; i < centers.length; i++) {
            int q = (int) mpq.tensor.FakeQuant.level(centers[i], s, 0, hi);
            double a = centers[i] - alone[q] * s, b = centers[i] - paired[q] * s;
            zeros += q == 0 ? counts[i] : 0;
            sumAlone += counts[i] * a * a;
            sumPaired += counts[i] * b * b;
        }
        double partnerZero = w.pairs() ? zeros / total : 0;
        return ((1 - partnerZero) * sumAlone + partnerZero * sumPaired) / total;
    }

    /** Mean over all values of |x − Q(x)|^power under per-tensor parameters. */
    public double meanPower(QuantParams p, double power) {
        if (total == 0) {
            return 0;
        }
        float s = p.scale(0), lo = p.lowSteps(0), hi = p.highSteps(0);
        boolean squared = power == 2;   // the common case, without Math.pow
        double sum = 0;
        for (int i = 0; i < centers.length; i++) {
            double d = centers[i] - mpq.tensor.FakeQuant.quantizeDequantize(centers[i], s, lo, hi);
            sum += squared ? counts[i] * d * d : counts[i] * Math.pow(Math.abs(d), power);
        }
        return sum / total;
    }

    double meanPower(Range r, IntGrid grid, boolean symmetric, double power) {
        return meanPower(QuantParams.of(grid, symmetric, r), power);
    }

    /**
     * The factor α in (0, 1] whose range rangeAt(α) has the least mean |error|^power: a coarse scan, then a finer one
     * around the best coarse point.
     */
    double bestFactor(DoubleFunction<Range> rangeAt, IntGrid grid, boolean symmetric, double power) {
        int coarse = 100;
        double best = 1, bestErr = meanPower(rangeAt.apply(1), grid, symmetric, power);
        for (int k = 1; k < coarse; k++) {
            double a = (double) k / coarse;
            double e = meanPower(rangeAt.apply(a), grid, symmetric, power);
            if (e < bestErr) {
                bestErr = e;
                best = a;
            }
        }
        double center = best;
        int fine = 40;
        for (int k = -fine; k <= fine; k++) {
            double a = center + (double) k / (coarse * fine);
            if (a <= 0 || a > 1) {
                continue;
            }
            double e = meanPower(rangeAt.apply(a), grid, symmetric, power);
            if (e < bestErr) {
                bestErr = e;
                best = a;
            }
        }
        return best;
    }
}

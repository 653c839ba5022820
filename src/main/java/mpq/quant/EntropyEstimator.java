package mpq.quant;

/**
 * The KL-divergence calibration of TensorRT: among thresholds T, pick the one whose clipped distribution P (the
 * histogram up to T, with everything beyond T added to the last bin) loses the least information, KL(P‖Q), when
 * merged into as many equal-width levels as the grid has on that side (Q spreads each level's mass evenly over the
 * level's non-empty bins). Signed data is judged on |x| with half the grid's levels; non-negative data with all of
 * them. Exact zeros are left out: every grid represents them exactly, and after a ReLU they are so many that they
 * would pull the threshold towards zero.
 *
 * <p>A method for activations (many values per tensor); a weight channel has too few values for its histogram to
 * be a distribution, so {@link #forWeights()} is false.
 */
public final class EntropyEstimator implements RangeEstimator {
    /** Bins the magnitude histogram is reduced to before the search, as TensorRT does; the search is quadratic. */
    private static final int SEARCH_BINS = 2048;

    @Override
    public String name() {
        return "entropy";
    }

    @Override
    public boolean forWeights() {
        return false;
    }

    @Override
    public Range estimate(Histogram h, IntGrid grid, boolean symmetric) {
        Range full = RangeEstimator.fullRange(h, symmetric);
        if (full.width() == 0) {
            return full;
        }
        boolean oneSided = h.nonNegative();
        double[] mag = magnitudes(h, oneSided);
        int used = mag.length;
        while (used > 0 && mag[used - 1] == 0) {
            used--;
        }
        int merge = Math.max(1, (used + SEARCH_BINS - 1) / SEARCH_BINS);
        double[] bins = new double[(used + merge - 1) / merge];
        for (int i = 0; i < used; i++) {
            bins[i / merge] += mag[i];
        }
        double width = h.binWidth() * merge;
        int levels = oneSided ? grid.levels() : grid.levels() / 2;
        if (levels >= bins.length) {
            return full;
        }
        int best = bins.length;
        double bestKl = Double.POSITIVE_INFINITY;
        for (int i = levels; i <= bins.length; i++) {
            double kl = divergence(bins, i, levels);
            if (kl < bestKl) {
                bestKl = kl;
                best = i;
            }
        }
        double t = Math.min(best * width, oneSided ? h.max() : h.maxAbs());
        if (oneSided) {
            return new Range(0, t);
        }
        return symmetric ? new Range(-t, t) : new Range(Math.max(h.min(), -t), Math.min(h.max(), t));
    }

    /** Counts by |x| (bin j covers [j·w, (j+1)·w)), or the non-negative half alone. */
    private static double[] magnitudes(Histogram h, boolean oneSided) {
        int half = h.bins() / 2;
        double[] c = h.counts();
        double[] m = new double[half];
        for (int j = 0; j < half; j++) {
            m[j] = c[half + j] + (oneSided ? 0 : c[half - 1 - j]);
        }
        m[0] = Math.max(0, m[0] - h.zeros());   // zeros sit in the bin starting at 0
        return m;
    }

    /** KL(P‖Q) for the threshold at bin i. */
    static double divergence(double[] bins, int i, int levels) {
        double outliers = 0;
        for (int k = i; k < bins.length; k++) {
            outliers += bins[k];
        }
        double pTotal = outliers;
        for (int k = 0; k < i; k++) {
            pTotal += bins[k];
        }
        if (pTotal == 0) {
            return 0;
        }
        double[] q = new double[i];
        for (int l = 0; l < levels; l++) {
            int from = (int) ((long) l * i / levels), to = (int) ((long) (l + 1) * i / levels);
            double mass = 0;
            int nonEmpty = 0;
            for (int k = from; k < to; k++) {
                mass += bins[k];
                nonEmpty += bins[k] > 0 ? 1 : 0;
            }
            for (int k = from; k < to; k++) {
                q[k] = bins[k] > 0 ? mass / nonEmpty : 0;
            }
        }
        double qTotal = 0;
        for (double v : q) {
            qTotal += v;
        }
        double kl = 0;
        for (int k = 0; k < i; k++) {
            double p = (bins[k] + (k == i - 1 ? outliers : 0)) / pTotal;
            if (p == 0) {
                continue;
            }
            // A bin that only holds outliers has no mass in Q; a small floor keeps the divergence finite.
            double qk = Math.max(q[k] / qTotal, 1e-12);
            kl += p * Math.log(p / qk);
        }
        return kl;
    }
}

package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Range estimators on synthetic distributions whose right answer is known independently. */
class EstimatorsTest {
    private static final int N = 400_000;

    private static Histogram gaussian(long seed, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (gauss(r) * sigma);
        }
        Histogram h = new Histogram();
        for (int from = 0; from < N; from += 10_000) {   // streamed in batches, as calibration does
            h.add(x, from, from + 10_000);
        }
        return h;
    }

    private static double gauss(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * The clip c minimising E[(X − Q(X))²] for X ~ N(0, 1) on the symmetric signed grid of the given bits (scale
     * c / qmax), by numerical integration of the density and a fine scan of c: independent of any histogram.
     */
    private static double integratedOptimalClip(int bits) {
        IntGrid grid = new IntGrid(bits, true);
        double best = 0, bestErr = Double.POSITIVE_INFINITY;
        for (double c = 1.0; c <= 5.0; c += 0.002) {
            QuantParams p = QuantParams.of(grid, true, new Range(-c, c));
            double err = 0, dx = 1e-3;
            for (double x = -9; x <= 9; x += dx) {
                double d = x - p.apply((float) x, 0);
                err += d * d * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) * dx;
            }
            if (err < bestErr) {
                bestErr = err;
                best = c;
            }
        }
        return best;
    }

    @Test
    void mseClipOfAGaussianAt4BitsMatchesTheIntegratedOptimum() {
        double want = integratedOptimalClip(4);
        Range r = LpEstimator.mse().estimate(gaussian(1, 2.0), new IntGrid(4, true), true);
        // Known from quantizer theory: about 2.5–2.8 σ at 4 bits.
        assertTrue(want > 2.3 && want < 3.0, "integrated optimum " + want);
        assertEquals(want * 2.0, r.hi(), 0.03 * want * 2.0, "mse estimator clip vs integrated optimum (σ = 2)");
        assertEquals(-r.hi(), r.lo(), 1e-12);
    }

    @Test
    void aciqOnGaussianDataFindsTheGaussianOptimum() {
        double want = integratedOptimalClip(4);
        Range r = new AciqEstimator().estimate(gaussian(2, 1.0), new IntGrid(4, true), true);
        assertEquals(want, r.hi(), 0.05 * want);
    }

    @Test
    void aciqOnLaplaceDataAgreesWithTheMseOptimum() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            double u = rnd.nextDouble() - 0.5;
            x[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));   // Laplace, b = 1
        }
        Histogram h = Histogram.of(x, 0, N, Histogram.DEFAULT_BINS);
        IntGrid grid = new IntGrid(4, true);
        double aciq = new AciqEstimator().estimate(h, grid, true).hi();
        double mse = LpEstimator.mse().estimate(h, grid, true).hi();
        assertEquals(mse, aciq, 0.08 * mse, "aciq " + aciq + " vs mse " + mse);
        // Far inside the data's reach: Laplace tails make clipping pay.
        assertTrue(aciq < 0.6 * h.maxAbs(), "aciq clip " + aciq + " of max " + h.maxAbs());
    }

    @Test
    void minmaxIsTheObservedRange() {
        Histogram h = new Histogram();
        h.add(new float[] {-0.75f, 3.5f, 0f, 1f}, 0, 4);
        Range affine = new MinMaxEstimator().estimate(h, new IntGrid(8, false), false);
        assertEquals(-0.75, affine.lo());
        assertEquals(3.5, affine.hi());
        Range sym = new MinMaxEstimator().estimate(h, new IntGrid(8, true), true);
        assertEquals(-3.5, sym.lo());
        assertEquals(3.5, sym.hi());
    }

    @Test
    void percentileOfUniformData() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        Histogram h = new Histogram();
        h.add(x, 0, N);
        Range r = new PercentileEstimator(99).estimate(h, new IntGrid(8, false), false);
        assertEquals(0, r.lo());
        assertEquals(0.99, r.hi(), 0.003);
        Range sym = new PercentileEstimator(90).estimate(h, new IntGrid(8, true), true);
        assertEquals(0.90, sym.hi(), 0.003, "non-negative data: the upper tail only");
    }

    @Test
    void entropyKeepsTheWholeRangeOfTailLessDataAndCutsFarOutliers() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] u = new float[N];
        for (int i = 0; i < N; i++) {
            u[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        Histogram uniform = new Histogram();
        uniform.add(u, 0, N);
        Range r = new EntropyEstimator().estimate(uniform, new IntGrid(8, true), true);
        assertTrue(r.hi() > 0.95, "uniform data: clip " + r.hi());

        Histogram g = gaussian(6, 1.0);
        g.add(new float[] {60f, -60f, 55f}, 0, 3);   // a few far outliers
        Range c = new EntropyEstimator().estimate(g, new IntGrid(8, true), true);
        assertTrue(c.hi() > 2.5 && c.hi() < 10, "gaussian with outliers: clip " + c.hi());
    }

    @Test
    void entropyOnPostReluDataAt4Bits() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) Math.max(0, gauss(rnd));   // half zeros, half a half-normal
        }
        Histogram h = new Histogram();
        h.add(x, 0, N);
        Range r = new EntropyEstimator().estimate(h, new IntGrid(4, false), false);
        assertTrue(r.hi() > 1.0 && r.hi() < 4.5, "post-ReLU 4-bit clip " + r.hi());
    }

    @Test
    void histogramGrowsWithoutLosingCounts() {
        Histogram h = new Histogram(16);
        h.add(new float[] {0.1f, -0.2f}, 0, 2);
        h.add(new float[] {3f, -5f, 0f}, 0, 3);
        assertEquals(5, h.count());
        double total = 0;
        for (double c : h.counts()) {
            total += c;
        }
        assertEquals(5, total);
        assertTrue(h.range() >= 5);
        assertEquals(-5, h.min());
        assertEquals(3, h.max());
        assertEquals(1, h.zeros());
    }
}

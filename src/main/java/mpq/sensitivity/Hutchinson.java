package mpq.sensitivity;

import java.util.SplittableRandom;
import mpq.base.Progress;

/**
 * HAWQ-V2's sensitivity: the trace of each weight block's Hessian by Hutchinson's estimator, tr(H_bb) = E[v_bᵀ(Hv)_b]
 * over Rademacher vectors v. One product with v spanning every block serves all blocks at once (the cross terms
 * have mean zero). Each sample's product uses one calibration batch, taking the batches in turn
 * ({@link HessianOperator#multiplyOnBatch}): the estimate stays unbiased, the data's variation joins the noise the
 * standard errors report, and a sample costs one batch's passes instead of all of them. Stops, at the end of a
 * round through the batches, when every block's running mean moved by less than tol relatively over the round's
 * last sample, or after maxSamples.
 */
public final class Hutchinson {
    private Hutchinson() {}

    /** Per block: the mean estimate, its standard error, and the samples used (the same for all blocks). */
    public record Result(double[] traces, double[] standardErrors, int samples, boolean converged) {}

    public static Result traces(HessianOperator h, long seed, double tol, int maxSamples, Progress progress) {
        int[] blocks = h.blockSizes();
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] sum = new double[blocks.length], sumSq = new double[blocks.length];
        double[] v = new double[h.dimension()];
        int k = 0;
        boolean converged = false;
        while (k < maxSamples) {
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextBoolean() ? 1 : -1;
            }
            double[] hv = h.multiplyOnBatch(v, k % h.batchCount());
            progress.advance(1);
            k++;
            boolean stable = k > 1;
            int off = 0;
            for (int b = 0; b < blocks.length; b++) {
                double est = 0;
                for (int i = off; i < off + blocks[b]; i++) {
                    est += v[i] * hv[i];
                }
                off += blocks[b];
                double before = k > 1 ? sum[b] / (k - 1) : 0;
                sum[b] += est;
                sumSq[b] += est * est;
                double now = sum[b] / k;
                stable &= Math.abs(now - before) <= tol * Math.abs(now);
            }
            if (stable && k % h.batchCount() == 0) {
                converged = true;
                break;
            }
        }
        double[] mean = new double[blocks.length], se = new double[blocks.length];
        for (int b = 0; b < blocks.length; b++) {
            mean[b] = sum[b] / k;
            double var = k > 1 ? Math.max(0, (sumSq[b] - k * mean[b] * mean[b]) / (k - 1)) : 0;
            se[b] = Math.sqrt(var / k);
        }
        return new Result(mean, se, k, converged);
    }
}

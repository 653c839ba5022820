package mpq.sensitivity;

import java.util.SplittableRandom;
import mpq.base.Progress;

/**
 * HAWQ's sensitivity: the largest eigenvalue of the Hessian (of one layer's weights) by power iteration from a
 * seeded Gaussian start, v ← Hv / ‖Hv‖, with λ = vᵀHv; stops when λ changes by less than tol relatively or after
 * maxIterations products.
 */
public final class PowerIteration {
    private PowerIteration() {}

    /** The estimate and how many Hessian-vector products it took. */
    public record Result(double eigenvalue, int iterations, boolean converged) {}

    public static Result topEigenvalue(HessianOperator h, long seed, double tol, int maxIterations, Progress progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[h.dimension()];
        for (int i = 0; i < v.length; i++) {
            v[i] = gaussian(rnd);
        }
        scale(v, 1 / HessianOperator.norm(v));
        double lambda = 0;
        for (int it = 1; it <= maxIterations; it++) {
            double[] hv = h.multiply(v);
            double next = HessianOperator.dot(v, hv);
            progress.advance(1);
            double n = HessianOperator.norm(hv);
            if (n == 0) {
                return new Result(0, it, true);
            }
            boolean done = it > 1 && Math.abs(next - lambda) <= tol * Math.abs(next);
            lambda = next;
            if (done) {
                return new Result(lambda, it, true);
            }
            v = hv;
            scale(v, 1 / n);
        }
        return new Result(lambda, maxIterations, false);
    }

    static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), w = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w);
    }

    private static void scale(double[] v, double s) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= s;
        }
    }
}

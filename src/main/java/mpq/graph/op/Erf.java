package mpq.graph.op;

/**
 * The error function, to well within float32 precision (the tensors' type): the Maclaurin series below |x| = 0.5,
 * where it converges in a few terms; beyond, 1 − erfc from the Chebyshev-fitted form erfc z ≈ t·exp(−z² + P(t)),
 * t = 1/(1 + z/2), whose relative error is below 1.2e-7 for every z ≥ 0 (Numerical Recipes, erfcc).
 */
final class Erf {
    private Erf() {}

    private static final double[] P = {-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
        -1.13520398, 1.48851587, -0.82215223, 0.17087277};

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        if (a < 0.5) {
            // erf x = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
            double term = a, sum = a, x2 = a * a;
            for (int n = 1; n < 20 && Math.abs(term) > 1e-17 * sum; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return Math.copySign(2 / Math.sqrt(Math.PI) * sum, x);
        }
        if (a > 9) {
            return Math.copySign(1, x);
        }
        double t = 1 / (1 + 0.5 * a), p = P[P.length - 1];
        for (int i = P.length - 2; i >= 0; i--) {
            p = P[i] + t * p;
        }
        return Math.copySign(1 - t * Math.exp(-a * a + p), x);
    }
}

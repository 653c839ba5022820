package mpq.tensor;

/**
 * Per-channel batch mean and (biased) variance of a tensor [n, c, ...] — the statistics a BatchNormalization in
 * training mode computes from its input — and the backward pass of any loss on them. ZeroQ matches these to a
 * model's running statistics; seeding the resulting gradient at the BN input lets the backward engine carry it on.
 */
public record BatchStatistics(double[] mean, double[] variance) {
    public static BatchStatistics of(Tensor x) {
        int n = x.dim(0), c = x.dim(1), inner = x.size() / (n * c);
        double[] mean = new double[c], var = new double[c];
        float[] d = x.data();
        for (int ch = 0; ch < c; ch++) {
            double s = 0, ss = 0;
            for (int i = 0; i < n; i++) {
                for (int k = (i * c + ch) * inner, end = k + inner; k < end; k++) {
                    s += d[k];
                    ss += (double) d[k] * d[k];
                }
            }
            long count = (long) n * inner;
            mean[ch] = s / count;
            var[ch] = Math.max(0, ss / count - mean[ch] * mean[ch]);
        }
        return new BatchStatistics(mean, var);
    }

    /**
     * Adds to dx the gradient of a loss whose derivatives with respect to the statistics are dMean and dVariance:
     * ∂mean/∂x = 1/m and ∂var/∂x = 2(x − mean)/m per element of the channel (m elements per channel).
     */
    public void backward(Tensor x, double[] dMean, double[] dVariance, Tensor dx) {
        int n = x.dim(0), c = x.dim(1), inner = x.size() / (n * c);
        double m = (double) n * inner;
        float[] d = x.data(), g = dx.data();
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                double a = dMean[ch] / m, b = 2 * dVariance[ch] / m, mu = mean[ch];
                for (int k = (i * c + ch) * inner, end = k + inner; k < end; k++) {
                    g[k] += (float) (a + b * (d[k] - mu));
                }
            }
        }
    }
}

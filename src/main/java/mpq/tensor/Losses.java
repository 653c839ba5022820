package mpq.tensor;

/**
 * Losses over a batch of logits [n, classes], each returning the mean loss over the batch and writing its gradient
 * with respect to the logits (or outputs) into grad, which has the logits' shape. Sums are in double.
 */
public final class Losses {
    private Losses() {}

    /** Mean cross-entropy −log softmax(z)[label]; gradient (softmax(z) − onehot(label)) / n. */
    public static double crossEntropy(Tensor logits, int[] labels, Tensor grad) {
        int n = logits.dim(0), c = logits.size() / n;
        float[] z = logits.data(), g = grad.data();
        double total = 0;
        double[] p = new double[c];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is not one of the "
                        + c + " classes the model outputs");
            }
            double logSum = softmax(z, i * c, c, p);
            total += logSum - z[i * c + labels[i]];
            for (int j = 0; j < c; j++) {
                g[i * c + j] = (float) ((p[j] - (j == labels[i] ? 1 : 0)) / n);
            }
        }
        return total / n;
    }

    /**
     * Mean KL(softmax(reference) ‖ softmax(z)) = Σ p_ref (log p_ref − log p); gradient (softmax(z) − p_ref) / n.
     */
    public static double klDivergence(Tensor logits, Tensor reference, Tensor grad) {
        int n = logits.dim(0), c = logits.size() / n;
        float[] z = logits.data(), r = reference.data(), g = grad.data();
        double total = 0;
        double[] p = new double[c], q = new double[c];
        for (int i = 0; i < n; i++) {
            double logSumZ = softmax(z, i * c, c, p);
            double logSumR = softmax(r, i * c, c, q);
            for (int j = 0; j < c; j++) {
                if (q[j] > 0) {
                    total += q[j] * ((r[i * c + j] - logSumR) - (z[i * c + j] - logSumZ));
                }
                g[i * c + j] = (float) ((p[j] - q[j]) / n);
            }
        }
        return total / n;
    }

    /** Mean over all elements of (y − target)²; gradient 2(y − target) / size. */
    public static double meanSquaredError(Tensor y, Tensor target, Tensor grad) {
        int size = y.size();
        float[] a = y.data(), b = target.data(), g = grad.data();
        double total = 0;
        for (int i = 0; i < size; i++) {
            double d = (double) a[i] - b[i];
            total += d * d;
            g[i] = (float) (2 * d / size);
        }
        return total / size;
    }

    /** p = softmax of z[off, off + c); returns log Σ exp z (stable). */
    private static double softmax(float[] z, int off, int c, double[] p) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) {
            m = Math.max(m, z[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < c; j++) {
            p[j] = Math.exp(z[off + j] - m);
            sum += p[j];
        }
        for (int j = 0; j < c; j++) {
            p[j] /= sum;
        }
        return m + Math.log(sum);
    }
}

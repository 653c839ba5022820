package mpq.eval;

import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/**
 * Top-1 / top-5 hits and summed cross-entropy of a batch of logits [n, classes] against labels, and each example's
 * predicted class (the first of equal maxima). An example whose outputs hold NaN or Inf is wrong (predicted −1, no
 * top-1 or top-5 hit, its cross-entropy infinite) and counted in nonFinite: comparisons with NaN are all false, so
 * without that rule such a row would rank the true class first. A model that ends in a Softmax gives probabilities — every row
 * non-negative and summing to 1 — and then the cross-entropy is −log p(label), not the log-softmax of them.
 */
public record Scores(int top1, int top5, double crossEntropySum, int[] predicted, int nonFinite) {

    static Scores of(Tensor logits, int[] labels, String dataName) {
        if (logits.rank() != 2) {
            throw new BadInputException("the model output has shape " + java.util.Arrays.toString(logits.shape())
                    + "; accuracy needs logits of shape [batch, classes]");
        }
        int n = logits.dim(0), k = logits.dim(1);
        float[] z = logits.data();
        int top1 = 0, top5 = 0, nonFinite = 0;
        double ce = 0;
        int[] predicted = new int[n];
        boolean probabilities = areProbabilities(z, n, k);
        for (int i = 0; i < n; i++) {
            int label = labels[i];
            if (label < 0 || label >= k) {
                throw new BadInputException(dataName + ": label " + label + " is outside the model's " + k + " classes");
            }
            int base = i * k;
            if (!finiteRow(z, base, k)) {
                nonFinite++;
                predicted[i] = -1;
                ce = Double.POSITIVE_INFINITY;
                continue;
            }
            float target = z[base + label];
            predicted[i] = argmax(z, base, k);
            double max = z[base + predicted[i]];
            int above = 0;
            for (int j = 0; j < k; j++) {
                float v = z[base + j];
                // Rank of the true class; ties go to the lower index, as argmax does.
                if (v > target || (v == target && j < label)) {
                    above++;
                }
            }
            if (above == 0) {
                top1++;
            }
            if (above < 5) {
                top5++;
            }
            if (probabilities) {
                ce += -Math.log(Math.max(target, Float.MIN_NORMAL));
                continue;
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[base + j] - max);
            }
            ce += Math.log(sum) + max - target;
        }
        return new Scores(top1, top5, ce, predicted, nonFinite);
    }

    /**
     * Each example's predicted class, by the rule of {@link #of}: the first of equal maxima, −1 where its outputs hold
     * NaN or Inf; the classes are the elements of a row (the output's size over its first axis).
     */
    public static int[] predicted(Tensor logits) {
        int n = logits.dim(0), k = logits.size() / Math.max(1, n);
        float[] z = logits.data();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = finiteRow(z, i * k, k) ? argmax(z, i * k, k) : -1;
        }
        return p;
    }

    /** The index of the first of equal maxima of a finite row. */
    private static int argmax(float[] z, int base, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (z[base + j] > z[base + best]) {
                best = j;
            }
        }
        return best;
    }

    private static boolean finiteRow(float[] z, int base, int k) {
        for (int j = base; j < base + k; j++) {
            if (!Float.isFinite(z[j])) {
                return false;
            }
        }
        return true;
    }

    private static boolean areProbabilities(float[] z, int n, int k) {
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                if (!(z[i * k + j] >= 0)) {
                    return false;
                }
                sum += z[i * k + j];
            }
            if (Math.abs(sum - 1) > 1e-3) {
                return false;
            }
        }
        return n > 0 && k > 1;
    }
}

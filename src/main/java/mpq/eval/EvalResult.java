package mpq.eval;

/**
 * Accuracy and speed of one evaluation. Accuracies are fractions; loss is the mean cross-entropy in nats;
 * predicted: each example's top-1 class, in data order (−1 where the outputs were not finite); nonFinite: how many
 * examples gave NaN or Inf outputs (all counted wrong).
 */
public record EvalResult(String engine, int count, int top1Correct, int top5Correct, double meanCrossEntropy,
                         double seconds, int[] predicted, int nonFinite) {
    public double top1() {
        return count == 0 ? 0 : (double) top1Correct / count;
    }

    public double top5() {
        return count == 0 ? 0 : (double) top5Correct / count;
    }

    public double imagesPerSecond() {
        return seconds <= 0 ? 0 : count / seconds;
    }
}

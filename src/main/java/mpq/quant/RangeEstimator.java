package mpq.quant;

/**
 * Chooses the clipping range of a tensor (or of one channel) from a histogram of its values, knowing the grid it
 * will be quantized on. Implementations are stateless; the streaming part is the {@link Histogram}.
 */
public interface RangeEstimator {
    /** The name users select it by, e.g. "mse" or "percentile:99.9". */
    String name();

    /**
     * The range [lo, hi] to quantize h's data on grid with (symmetric) or without (affine) a zero point of 0.
     * For symmetric grids only the magnitude matters; lo = −hi is conventional.
     */
    Range estimate(Histogram h, IntGrid grid, boolean symmetric);

    /** False for methods that need many values per tensor: weights then use {@link Estimators#FOR_WEIGHTS_INSTEAD}. */
    default boolean forWeights() {
        return true;
    }

    /** The data's own range: [min, max], or ±max|x| for symmetric grids. */
    static Range fullRange(Histogram h, boolean symmetric) {
        if (symmetric) {
            double a = h.maxAbs();
            return new Range(h.nonNegative() ? 0 : -a, a);
        }
        return new Range(Math.min(0, h.min()), Math.max(0, h.max()));
    }
}

package mpq.quant;

/** No clipping: the grid spans every observed value. */
public final class MinMaxEstimator implements RangeEstimator {
    @Override
    public String name() {
        return "minmax";
    }

    @Override
    public Range estimate(Histogram h, IntGrid grid, boolean symmetric) {
        return RangeEstimator.fullRange(h, symmetric);
    }
}

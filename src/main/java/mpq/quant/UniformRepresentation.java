package mpq.quant;

import mpq.tensor.Tensor;

/**
 * Uniform grids, what integer kernels run: weights on symmetric signed grids (zero point 0), activations on affine
 * unsigned grids whose zero point makes 0 exact.
 */
public final class UniformRepresentation implements Representation {
    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public QuantParams weightParams(Tensor w, int axis, int bits, RangeEstimator estimator) {
        return WeightQuantizer.params(w, axis, bits, estimator);
    }

    @Override
    public QuantParams activationParams(Histogram h, int bits, RangeEstimator estimator) {
        IntGrid grid = new IntGrid(bits, false);
        return QuantParams.of(grid, false, estimator.estimate(h, grid, false));
    }
}

package mpq.quant;

import mpq.tensor.Tensor;

/**
 * SPARQ: the uniform grids (8-bit unsigned activations per tensor, weights as usual), and every layer that reads an
 * unsigned activation reads each value through an n-bit window of its bits ({@link SparqWindows}; the quantized
 * graph gets them from the recipe, {@link FakeQuantPass}). The grids are the uniform ones: the windows act on the
 * levels, not on the range.
 */
public record SparqRepresentation(SparqWindows windows) implements Representation {
    @Override
    public String name() {
        return "sparq";
    }

    @Override
    public QuantParams weightParams(Tensor w, int axis, int bits, RangeEstimator estimator) {
        return Representations.DEFAULT.weightParams(w, axis, bits, estimator);
    }

    @Override
    public QuantParams activationParams(Histogram h, int bits, RangeEstimator estimator) {
        return Representations.DEFAULT.activationParams(h, bits, estimator);
    }
}

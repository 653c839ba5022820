package mpq.quant;

import mpq.tensor.Tensor;

/**
 * How a tensor's values are represented by integers: the grid and its parameters for a weight (from the values
 * themselves) and for an activation (from its calibration histogram), at a bit-width, with a range estimator.
 */
public interface Representation {
    String name();

    /** A weight's parameters, per slice along axis (−1: one for the tensor). */
    QuantParams weightParams(Tensor w, int axis, int bits, RangeEstimator estimator);

    /** An activation's per-tensor parameters. */
    QuantParams activationParams(Histogram h, int bits, RangeEstimator estimator);
}

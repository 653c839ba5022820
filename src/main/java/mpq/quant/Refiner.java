package mpq.quant;

import mpq.base.Progress;

/**
 * A step after quantization that changes the recipe to lose less on the calibration data: biases, rounding,
 * ranges. Refiners run in the order the configuration lists them, each on the recipe the one before returned.
 */
public interface Refiner {
    String name();

    QuantRecipe refine(PostTrainingQuantizer.Calibrated calibrated, QuantRecipe recipe, int threads, Progress progress);
}

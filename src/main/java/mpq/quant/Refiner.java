package mpq.quant;

import mpq.base.Progress;

/**
 * A step after quantization that changes the recipe to lose less on the calibration data: biases, rounding,
 * ranges. Refiners run in the order the configuration lists them, each on the recipe the one before returned.
 */
public interface Refiner {
    String name();

    /** The refined recipe; cfg is the configuration the recipe was made from (it carries the refiners' settings). */
    QuantRecipe refine(PostTrainingQuantizer.Calibrated calibrated, QuantRecipe recipe, QuantConfig cfg, int threads,
                       Progress progress);
}

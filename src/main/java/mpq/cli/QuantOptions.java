package mpq.cli;

import mpq.quant.QuantConfig;
import picocli.CommandLine.Option;

/** Quantization choices shared by the commands that quantize: granularity, first/last policy, bias correction. */
final class QuantOptions {
    @Option(names = "--per-tensor", description = "One weight scale per tensor instead of one per output channel.")
    boolean perTensor;

    @Option(names = "--keep-first-last", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Keep the first and last layers (weights and inputs) at 8 bits (default: on; "
                    + "--no-keep-first-last quantizes them like the rest).")
    boolean keepFirstLast;

    @Option(names = "--bias-correction", description = "Correct each layer's bias for the mean shift quantization "
            + "causes, measured on the calibration data (one extra pass per layer).")
    boolean biasCorrection;

    /** Uniform bits with these choices and the given estimators (weights, activations). */
    QuantConfig config(int wBits, int aBits, String weightEstimator, String actEstimator) {
        return new QuantConfig(new QuantConfig.LayerSpec(wBits, aBits, !perTensor, weightEstimator, actEstimator),
                keepFirstLast, java.util.List.of(), biasCorrection);
    }
}

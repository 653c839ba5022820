package mpq.cli;

import mpq.quant.QuantConfig;
import mpq.deploy.Target;
import mpq.deploy.Targets;
import picocli.CommandLine.Option;

/**
 * Quantization choices shared by the commands that quantize: the deployment target, granularity, first/last policy,
 * bias correction.
 */
final class QuantOptions {
    @Option(names = "--target", paramLabel = "T", description = "The runtime the model is quantized for, so that what "
            + "mpq simulates is what it computes: ort-x86 (default: ONNX Runtime on any x86-64 CPU; without VNNI its "
            + "integer kernels add uint8×int8 products in pairs into saturating int16, so layers with 8-bit inputs get "
            + "at most 7-bit weights) or ort-x86-vnni (CPUs with AVX512-VNNI or AVX-VNNI: full 8-bit weights; on a CPU "
            + "without VNNI such a model computes something else).")
    String target = Targets.DEFAULT.name();

    @Option(names = "--per-tensor", description = "One weight scale per tensor instead of one per output channel.")
    boolean perTensor;

    @Option(names = "--keep-first-last", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Keep the first and last layers (weights and inputs) at 8 bits (default: on; "
                    + "--no-keep-first-last quantizes them like the rest).")
    boolean keepFirstLast;

    @Option(names = "--bias-correction", description = "Correct each layer's bias for the mean shift quantization "
            + "causes, measured on the calibration data (one extra pass per layer).")
    boolean biasCorrection;

    Target target() {
        return Targets.byName(target);
    }

    /** Uniform bits with these choices and the given estimators (weights, activations). */
    QuantConfig config(int wBits, int aBits, String weightEstimator, String actEstimator) {
        return new QuantConfig(new QuantConfig.LayerSpec(wBits, aBits, !perTensor, weightEstimator, actEstimator),
                keepFirstLast, java.util.List.of(), biasCorrection, target());
    }
}

package mpq.quant;

import java.util.List;
import mpq.base.Method;
import mpq.base.Registry;

/** The refiners by name. */
public final class Refiners {
    private Refiners() {}

    public static final String BIAS_CORRECTION = "bias-correction";
    public static final String ADAROUND = "adaround";
    public static final String BRECQ = "brecq";
    public static final String LAPQ = "lapq";

    public static final Registry<Refiner> REGISTRY = new Registry<Refiner>(Method.Kind.REFINER)
            .add(BIAS_CORRECTION, "each layer's bias absorbs the per-channel mean shift quantization causes on the "
                    + "calibration data, layer by layer in graph order", List.of(), true, BiasCorrection::new)
            .add(ADAROUND, "AdaRound: each layer learns, for every weight, floor or ceil (rectified sigmoid, annealed "
                    + "regulariser) so that its output from the quantized network's input matches the float output; "
                    + "then the steps of its activations below 8 bits", List.of(), false,
                    ReconstructionRefiner::adaround)
            .add(BRECQ, "BRECQ: the same learned rounding and steps on blocks found in the graph (a residual block "
                    + "from its input to the ReLU after its Add, else one layer), block by block, inputs from the "
                    + "partly quantized network, targets from the float one", List.of(), false,
                    ReconstructionRefiner::brecq)
            .add(LAPQ, "LAPQ: the clipping ranges of all quantizers below 8 bits optimised jointly on the task loss "
                    + "(cross-entropy with labels, else KL to the float outputs): Lp initialisation with p fitted on "
                    + "the loss, then Powell's derivative-free method", List.of(), false, Lapq::new);

    public static Refiner byName(String name) {
        return REGISTRY.create(name);
    }
}

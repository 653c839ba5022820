package mpq.pipeline;

import java.util.Map;
import mpq.graph.Graph;
import mpq.quant.Bits;
import mpq.quant.QuantRecipe;
import mpq.sensitivity.SensitivityTable;

/**
 * A mixed-precision search's outcome: the sensitivities it measured, the allocation within the budgets and the
 * quantized model, and the wall time of each stage.
 */
public record SearchResult(Sensitivities sensitivities, Allocated allocated, Map<String, Double> stageSeconds) {
    public SensitivityTable table() {
        return sensitivities.table();
    }

    /** Per layer, in graph order, its (weight bits, input activation bits). */
    public Map<String, Bits> bits() {
        return allocated.bits();
    }

    /** The simulated quantized model (runs on mpq's executor). */
    public Graph quantized() {
        return allocated.quantization().quantized();
    }

    public QuantRecipe recipe() {
        return allocated.quantization().recipe();
    }

    public long weightBytes() {
        return allocated.weightBytes();
    }

    public double bops() {
        return allocated.bops();
    }
}

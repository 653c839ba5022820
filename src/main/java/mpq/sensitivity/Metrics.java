package mpq.sensitivity;

import java.util.List;
import mpq.base.Method;
import mpq.base.Method.Need;
import mpq.base.Registry;

/** The sensitivity metrics by name: one line each (a class and what it is). */
public final class Metrics {
    private Metrics() {}

    public static final Registry<SensitivityMetric> REGISTRY = new Registry<SensitivityMetric>(Method.Kind.METRIC)
            .add("hawq", "HAWQ: top Hessian eigenvalue of the loss × ‖Q(W) − W‖² (power iteration per layer)",
                    List.of(Need.LABELS), false, () -> new HawqMetric(false))
            .add("hawq-v2", "HAWQ-V2: mean Hessian diagonal (Hutchinson trace / parameters) × ‖Q(W) − W‖²",
                    List.of(Need.LABELS), true, () -> new HawqMetric(true))
            .add("zeroq-kl", "ZeroQ: KL divergence of the outputs from the float model's, one layer quantized",
                    List.of(), true, () -> new OutputDivergenceMetric(true))
            .add("mse", "mean squared error of the outputs against the float model's, one layer quantized",
                    List.of(), true, () -> new OutputDivergenceMetric(false))
            .add("fisher", "empirical Fisher diagonal (squared gradients of the loss) × (Q(W) − W)²",
                    List.of(Need.LABELS), true, FisherMetric::new)
            .add("ompq", "OMPQ: orthogonality of the layers' features on one batch (linear CKA), importance "
                    + "× bits given up; no labels, one forward pass (pair it with --allocator lp)",
                    List.of(), true, OmpqMetric::new)
            .add("clado", "CLADO: the loss change with each layer and each pair of layers quantized (weights), a "
                    + "quadratic model projected onto the PSD cone; slow: pairs × cells² evaluations (pair it with "
                    + "--allocator iqp; ilp reads its diagonal alone)", List.of(), false, CladoMetric::clado)
            .add("brecq-block", "BRECQ: the loss change of each block (found in the graph) at every combination of "
                    + "its layers' weight bits; blocks additive (pair it with --allocator genetic or iqp)", List.of(),
                    false, CladoMetric::brecqBlock);

    public static final List<String> NAMES = REGISTRY.names();

    public static SensitivityMetric byName(String name) {
        return REGISTRY.create(name);
    }
}

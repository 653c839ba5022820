package mpq.quant;

import java.util.List;
import mpq.base.Method;
import mpq.base.Registry;

/** The refiners by name. */
public final class Refiners {
    private Refiners() {}

    public static final String BIAS_CORRECTION = "bias-correction";

    public static final Registry<Refiner> REGISTRY = new Registry<Refiner>(Method.Kind.REFINER)
            .add(BIAS_CORRECTION, "each layer's bias absorbs the per-channel mean shift quantization causes on the "
                    + "calibration data, layer by layer in graph order", List.of(), true, BiasCorrection::new);

    public static Refiner byName(String name) {
        return REGISTRY.create(name);
    }
}

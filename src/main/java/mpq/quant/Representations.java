package mpq.quant;

import java.util.List;
import mpq.base.Method;
import mpq.base.Registry;

/** The value representations by name (multipoint, SPARQ windows and codebooks are to come here). */
public final class Representations {
    private Representations() {}

    public static final Registry<Representation> REGISTRY = new Registry<Representation>(Method.Kind.REPRESENTATION)
            .add("uniform", "uniform integer grids: symmetric signed weights (per channel or tensor), affine "
                    + "unsigned activations per tensor", List.of(), true, UniformRepresentation::new);

    /** What quantization uses: uniform grids. */
    public static final Representation DEFAULT = REGISTRY.create("uniform");
}

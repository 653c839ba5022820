package mpq.quant;

import java.util.List;
import mpq.base.Method;
import mpq.base.Registry;

/** The value representations by name. */
public final class Representations {
    private Representations() {}

    public static final Registry<Representation> REGISTRY = new Registry<Representation>(Method.Kind.REPRESENTATION)
            .add("uniform", "uniform integer grids: symmetric signed weights (per channel or tensor), affine "
                    + "unsigned activations per tensor", List.of(), true, UniformRepresentation::new)
            .add("sparq", "SPARQ: uniform grids, and each 8-bit unsigned activation read by a layer through an "
                    + "n-bit window at its leading one, vSPARQ pairs sharing budgets (--sparq N, --sparq-windows, "
                    + "--sparq-round, --no-vsparq); exported as the 8-bit model", List.of(), true,
                    () -> new SparqRepresentation(SparqWindows.DEFAULT))
            .add("multipoint", "multipoint (--multipoint F): uniform grids, and the output channels with the largest "
                    + "output error on calibration data take extra points on the same grid (w ≈ Σ a_i v_i, matching "
                    + "pursuit), up to F × each layer's channels; exported as extra b-bit channels summed by a fixed "
                    + "1 × 1 convolution or MatMul", List.of(), true, UniformRepresentation::new);

    /** What quantization uses: uniform grids. */
    public static final Representation DEFAULT = REGISTRY.create("uniform");
}

package mpq.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mpq.base.BadInputException;
import mpq.deploy.Target;
import mpq.deploy.Targets;

/**
 * What to quantize how: default bit-widths, granularity and range estimators, per-layer overrides by name or glob
 * pattern, and the policy that keeps the first and last layers at 8 bits. Immutable; the with-methods return copies.
 *
 * @param defaults       settings of every layer no override names
 * @param keepFirstLast  first layers (reading the model input) and last layers (producing an output) get 8-bit
 *                       weights and inputs unless an override names them
 * @param overrides      applied in order after the defaults and the first/last policy; later ones win
 * @param refiners       refiners run after quantization, in order, by name ({@link Refiners}), e.g. bias-correction
 * @param target         the runtime the model is quantized for: it may narrow the weight grids (see
 *                       {@link Target#weightBits}), applied after everything else
 * @param embeddingBits  bits of every embedding table (a Gather of an initializer), row-wise; 0 keeps them float
 * @param embeddingMethod how their rows are quantized ({@link RowwiseQuantizer.Method})
 * @param sparq          SPARQ bit windows on the inputs of layers reading unsigned activations, or null for none
 * @param reconstruction settings of the reconstruction refiners (adaround, brecq)
 * @param lapq           settings of the LAPQ refiner
 * @param multipoint     multipoint quantization's extra points per layer, as a fraction of its channels (0: none)
 */
public record QuantConfig(LayerSpec defaults, boolean keepFirstLast, List<Override> overrides, List<String> refiners,
                          Target target, int embeddingBits, RowwiseQuantizer.Method embeddingMethod,
                          SparqWindows sparq, Reconstruction.Settings reconstruction, Lapq.Settings lapq,
                          double multipoint) {
    public QuantConfig(LayerSpec defaults, boolean keepFirstLast, List<Override> overrides, List<String> refiners,
                       Target target) {
        this(defaults, keepFirstLast, overrides, refiners, target, 0, RowwiseQuantizer.Method.GREEDY, null,
                Reconstruction.Settings.defaults(), Lapq.Settings.defaults(), 0);
    }

    /** The bits the first/last-layer policy keeps. */
    public static final int EDGE_BITS = 8;

    /**
     * Settings of one layer: weight bits, bits of its input activation, per-channel weights, and the estimators for
     * weight and activation ranges. Weights use symmetric signed grids; activations affine unsigned grids.
     */
    public record LayerSpec(int weightBits, int actBits, boolean perChannel, String weightEstimator,
                            String actEstimator) {
        public LayerSpec {
            IntGrid.checkBits(weightBits, "weight bit-width");
            IntGrid.checkBits(actBits, "activation bit-width");
            Estimators.byName(weightEstimator);
            Estimators.byName(actEstimator);
        }

        public LayerSpec withBits(int w, int a) {
            return new LayerSpec(w, a, perChannel, weightEstimator, actEstimator);
        }

        public LayerSpec withWeightEstimator(String e) {
            return new LayerSpec(weightBits, actBits, perChannel, e, actEstimator);
        }
    }

    /**
     * A change to the layers whose name matches pattern (exact, or a glob with * and ?); null fields leave the
     * setting alone.
     */
    public record Override(String pattern, Integer weightBits, Integer actBits, Boolean perChannel,
                           String weightEstimator) {
        private static final Pattern BITS = Pattern.compile("(?:w(\\d+))?(?:a(\\d+))?");

        public boolean matches(String layer) {
            return new LayerPattern(pattern).matches(layer);
        }

        LayerSpec applyTo(LayerSpec s) {
            return new LayerSpec(weightBits != null ? weightBits : s.weightBits(),
                    actBits != null ? actBits : s.actBits(),
                    perChannel != null ? perChannel : s.perChannel(),
                    weightEstimator != null ? weightEstimator : s.weightEstimator(), s.actEstimator());
        }

        /** Parses "PATTERN=w4a8", "PATTERN=w4" or "PATTERN=a6" (case-insensitive bits). */
        public static Override parse(String text) {
            int eq = text.lastIndexOf('=');
            if (eq <= 0) {
                throw new BadInputException("layer setting '" + text + "' must look like NAME=w4a8 (or NAME=w4, NAME=a6)");
            }
            Matcher m = BITS.matcher(text.substring(eq + 1).toLowerCase(Locale.ROOT));
            if (!m.matches() || (m.group(1) == null && m.group(2) == null)) {
                throw new BadInputException("layer setting '" + text + "': after '=' expected bits like w4a8, w4 or a6");
            }
            Integer w = m.group(1) == null ? null : Integer.valueOf(m.group(1));
            Integer a = m.group(2) == null ? null : Integer.valueOf(m.group(2));
            if (w != null) {
                IntGrid.checkBits(w, "weight bit-width in '" + text + "'");
            }
            if (a != null) {
                IntGrid.checkBits(a, "activation bit-width in '" + text + "'");
            }
            return new Override(text.substring(0, eq), w, a, null, null);
        }
    }

    public QuantConfig {
        overrides = List.copyOf(overrides);
        refiners = List.copyOf(refiners);
        refiners.forEach(Refiners.REGISTRY::method);   // an unknown name fails here, listing the known ones
        java.util.Objects.requireNonNull(target, "target");
        java.util.Objects.requireNonNull(reconstruction, "reconstruction");
        java.util.Objects.requireNonNull(lapq, "lapq");
        if (!(multipoint >= 0 && multipoint <= 1)) {
            throw new BadInputException("--multipoint must be a fraction of each layer's channels from 0 to 1, got "
                    + multipoint);
        }
        if (multipoint > 0 && !defaults.perChannel()) {
            throw new BadInputException("--multipoint adds points to output channels, each with its own scale: it "
                    + "needs per-channel weights (leave out --per-tensor)");
        }
        for (String r : List.of(Refiners.ADAROUND, Refiners.BRECQ, Refiners.LAPQ)) {
            if (multipoint > 0 && refiners.contains(r)) {
                throw new BadInputException("--multipoint with --refine " + r + " is not supported: " + r
                        + " changes the first point's rounding or scale, which the extra points were fitted to");
            }
        }
        for (String r : List.of(Refiners.ADAROUND, Refiners.BRECQ)) {
            if (sparq != null && refiners.contains(r)) {
                throw new BadInputException("--refine " + r + " learns through the quantized network's gradient, and "
                        + "SPARQ's windows have none: use --sparq or --refine " + r + ", not both");
            }
        }
    }

    /** The reconstruction refiners' settings. */
    public QuantConfig withReconstruction(Reconstruction.Settings s) {
        return new QuantConfig(defaults, keepFirstLast, overrides, refiners, target, embeddingBits, embeddingMethod,
                sparq, s, lapq, multipoint);
    }

    /** Multipoint quantization with extra points up to this fraction of each layer's channels (0: none). */
    public QuantConfig withMultipoint(double fraction) {
        return new QuantConfig(defaults, keepFirstLast, overrides, refiners, target, embeddingBits, embeddingMethod,
                sparq, reconstruction, lapq, fraction);
    }

    /** The LAPQ refiner's settings. */
    public QuantConfig withLapq(Lapq.Settings s) {
        return new QuantConfig(defaults, keepFirstLast, overrides, refiners, target, embeddingBits, embeddingMethod,
                sparq, reconstruction, s, multipoint);
    }

    /**
     * The standard settings a search starts from: those of {@link #uniform} at 8 bits; the search sets every layer's
     * bits.
     */
    public static QuantConfig standard() {
        return uniform(8, 8);
    }

    /**
     * Uniform bits with the default estimator (mse), per-channel weights, first/last layers at 8 bits, for the
     * default target.
     */
    public static QuantConfig uniform(int weightBits, int actBits) {
        return new QuantConfig(new LayerSpec(weightBits, actBits, true, "mse", "mse"), true, List.of(), List.of(),
                Targets.DEFAULT);
    }

    /** The named estimator for activations and, unless it is for activations only, for weights. */
    public QuantConfig withEstimator(String name) {
        return withDefaults(new LayerSpec(defaults.weightBits(), defaults.actBits(), defaults.perChannel(),
                Estimators.forWeights(name), name));
    }

    public QuantConfig withDefaults(LayerSpec d) {
        return new QuantConfig(d, keepFirstLast, overrides, refiners, target, embeddingBits, embeddingMethod, sparq,
                reconstruction, lapq, multipoint);
    }

    public QuantConfig withKeepFirstLast(boolean keep) {
        return new QuantConfig(defaults, keep, overrides, refiners, target, embeddingBits, embeddingMethod, sparq,
                reconstruction, lapq, multipoint);
    }

    public QuantConfig withRefiners(List<String> names) {
        return new QuantConfig(defaults, keepFirstLast, overrides, names, target, embeddingBits, embeddingMethod, sparq,
                reconstruction, lapq, multipoint);
    }

    public QuantConfig withOverride(Override o) {
        List<Override> list = new ArrayList<>(overrides);
        list.add(o);
        return new QuantConfig(defaults, keepFirstLast, list, refiners, target, embeddingBits, embeddingMethod, sparq,
                reconstruction, lapq, multipoint);
    }

    /** Embedding tables at these bits (0: float) by this method. */
    public QuantConfig withEmbeddings(int bits, RowwiseQuantizer.Method method) {
        return new QuantConfig(defaults, keepFirstLast, overrides, refiners, target, bits, method, sparq,
                reconstruction, lapq, multipoint);
    }

    /** How values are represented: SPARQ's windows when the configuration has them, else uniform grids. */
    public Representation representation() {
        return sparq == null ? Representations.DEFAULT : new SparqRepresentation(sparq);
    }

    /** SPARQ windows on the inputs of the layers that read unsigned activations (null: none). */
    public QuantConfig withSparq(SparqWindows windows) {
        return new QuantConfig(defaults, keepFirstLast, overrides, refiners, target, embeddingBits, embeddingMethod,
                windows, reconstruction, lapq, multipoint);
    }

    public QuantConfig withTarget(Target t) {
        return new QuantConfig(defaults, keepFirstLast, overrides, refiners, t, embeddingBits, embeddingMethod, sparq,
                reconstruction, lapq, multipoint);
    }

    /**
     * The settings of one layer, its weight bits as the target takes them with inputs of the layer's own activation
     * bits (the quantizer narrows them again if the input ends up wider, being shared with a wider reader).
     */
    public LayerSpec specFor(String layer, boolean firstOrLast) {
        return specFor(layer, firstOrLast, false);
    }

    /** The same for a layer that may be a depthwise convolution, which some targets run on exact kernels. */
    public LayerSpec specFor(String layer, boolean firstOrLast, boolean depthwise) {
        LayerSpec s = defaults;
        if (keepFirstLast && firstOrLast) {
            s = s.withBits(Math.max(EDGE_BITS, s.weightBits()), Math.max(EDGE_BITS, s.actBits()));
        }
        for (Override o : overrides) {
            if (o.matches(layer)) {
                s = o.applyTo(s);
            }
        }
        return s.withBits(target.weightBits(s.weightBits(), s.actBits(), depthwise), s.actBits());
    }

    /** Override patterns that name no layer: almost always a typo the user wants to hear about. */
    public List<String> unmatchedPatterns(List<String> layers) {
        List<String> out = new ArrayList<>();
        for (Override o : overrides) {
            if (layers.stream().noneMatch(o::matches)) {
                out.add(o.pattern());
            }
        }
        return out;
    }
}

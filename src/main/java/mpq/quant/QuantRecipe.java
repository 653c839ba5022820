package mpq.quant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.deploy.Target;

/**
 * Everything that defines a quantized model on top of its float graph (BN folded): per layer the weight grid and
 * scales, per activation value its grid, scale and zero point, and biases changed by bias correction. Export, search
 * and later refinement read it; {@link RecipeJson} saves and loads it.
 *
 * @param biases corrected bias values by layer name (only layers that bias correction changed)
 * @param target the runtime the grids were chosen for: no layer has weights and inputs it would compute differently
 * @param embeddings embedding tables quantized row-wise ({@link RowwiseQuantizer}: deterministic, so the table's name,
 *                   bits and method define its values)
 * @param sparq      SPARQ bit windows on the inputs of the layers that read an unsigned activation
 *                   ({@link #windowedLayers}), or null for none
 * @param weightLevels the stored integers (q, zero point included) of the layers whose rounding a refiner learned
 *                   (AdaRound, BRECQ), by layer name, in the weight's element order; other layers round to nearest
 * @param extraPoints multipoint quantization's extra points by layer name ({@link Multipoint}): each adds its scale
 *                   times its integers to one output channel of the weight; none for most layers
 */
public record QuantRecipe(List<LayerQuant> layers, List<ActivationQuant> activations, Map<String, float[]> biases,
                          Target target, List<EmbeddingQuant> embeddings, SparqWindows sparq,
                          Map<String, int[]> weightLevels, Map<String, List<ExtraPoint>> extraPoints) {
    /**
     * One extra point of a weight's output channel: levels (on the layer's grid, zero point 0) times scale, added to
     * the channel's elements (in the weight's element order within the channel).
     */
    public record ExtraPoint(int channel, float scale, int[] levels) {
        public ExtraPoint {
            levels = levels.clone();
        }

        @Override
        public int[] levels() {
            return levels.clone();
        }
    }
    /** One embedding table (the initializer a Gather reads) and how its rows are quantized. */
    public record EmbeddingQuant(String table, int bits, RowwiseQuantizer.Method method) {}

    public QuantRecipe(List<LayerQuant> layers, List<ActivationQuant> activations, Map<String, float[]> biases,
                       Target target) {
        this(layers, activations, biases, target, List.of(), null);
    }

    public QuantRecipe(List<LayerQuant> layers, List<ActivationQuant> activations, Map<String, float[]> biases,
                       Target target, List<EmbeddingQuant> embeddings) {
        this(layers, activations, biases, target, embeddings, null);
    }

    public QuantRecipe(List<LayerQuant> layers, List<ActivationQuant> activations, Map<String, float[]> biases,
                       Target target, List<EmbeddingQuant> embeddings, SparqWindows sparq) {
        this(layers, activations, biases, target, embeddings, sparq, Map.of(), Map.of());
    }

    public QuantRecipe(List<LayerQuant> layers, List<ActivationQuant> activations, Map<String, float[]> biases,
                       Target target, List<EmbeddingQuant> embeddings, SparqWindows sparq,
                       Map<String, int[]> weightLevels) {
        this(layers, activations, biases, target, embeddings, sparq, weightLevels, Map.of());
    }

    /** One weight layer: its names in the graph, its bit-widths and the weight's quantization. */
    public record LayerQuant(String name, String opType, boolean depthwise, String weight, String input, int weightBits,
                             int actBits, QuantParams weightParams, String weightEstimator) {}

    /** One quantized activation value. */
    public record ActivationQuant(String value, QuantParams params, String estimator) {}

    public QuantRecipe {
        layers = List.copyOf(layers);
        activations = List.copyOf(activations);
        embeddings = List.copyOf(embeddings);
        biases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(biases));   // in the order corrected: reproducible files
        weightLevels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(weightLevels));
        Map<String, List<ExtraPoint>> points = new LinkedHashMap<>();
        extraPoints.forEach((k, v) -> points.put(k, List.copyOf(v)));
        extraPoints = java.util.Collections.unmodifiableMap(points);
        java.util.Objects.requireNonNull(target, "target");
        List<String> bad = saturating(layers, activations, target);
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("target " + target.name() + " cannot run " + bad.getFirst()
                    + " as simulated (" + target.description() + ")");
        }
    }

    /**
     * The layers, described, whose weight and input grids t's integer kernels would not compute exactly (e.g. on
     * ort-x86, 8-bit weights with 8-bit inputs). Empty for a recipe made for t.
     */
    public List<String> saturatingOn(Target t) {
        return saturating(layers, activations, t);
    }

    private static List<String> saturating(List<LayerQuant> layers, List<ActivationQuant> activations, Target t) {
        Map<String, Integer> inputBits = new java.util.HashMap<>();
        for (ActivationQuant a : activations) {
            inputBits.put(a.value(), a.params().grid().bits());
        }
        List<String> out = new java.util.ArrayList<>();
        for (LayerQuant l : layers) {
            Integer a = inputBits.get(l.input());
            int w = l.weightParams().grid().bits();
            if (a != null && t.weightBits(w, a, l.depthwise()) < w) {
                out.add("layer " + l.name() + " (" + w + "-bit weights, " + a + "-bit inputs)");
            }
        }
        return out;
    }

    public LayerQuant layer(String name) {
        for (LayerQuant l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    public ActivationQuant activation(String value) {
        for (ActivationQuant a : activations) {
            if (a.value().equals(value)) {
                return a;
            }
        }
        return null;
    }

    public QuantRecipe withEmbeddings(List<EmbeddingQuant> tables) {
        return new QuantRecipe(layers, activations, biases, target, tables, sparq, weightLevels, extraPoints);
    }

    /** The same recipe with SPARQ windows (null: without, the plain integer model). */
    public QuantRecipe withSparq(SparqWindows windows) {
        return new QuantRecipe(layers, activations, biases, target, embeddings, windows, weightLevels, extraPoints);
    }

    /** The same recipe with one layer's bias replaced. */
    public QuantRecipe withBias(String layer, float[] bias) {
        Map<String, float[]> b = new LinkedHashMap<>(biases);
        b.put(layer, bias.clone());
        return new QuantRecipe(layers, activations, b, target, embeddings, sparq, weightLevels, extraPoints);
    }

    /** The same recipe with one layer's weight stored as the given integers (its grid's q values). */
    public QuantRecipe withWeightLevels(String layer, int[] levels) {
        Map<String, int[]> m = new LinkedHashMap<>(weightLevels);
        m.put(layer, levels.clone());
        return new QuantRecipe(layers, activations, biases, target, embeddings, sparq, m, extraPoints);
    }

    /** The same recipe with these layers' weight parameters replaced (by layer name; bits stay those of the grid). */
    public QuantRecipe withWeightParams(Map<String, QuantParams> changed) {
        List<LayerQuant> ls = layers.stream().map(l -> changed.containsKey(l.name())
                ? new LayerQuant(l.name(), l.opType(), l.depthwise(), l.weight(), l.input(), l.weightBits(),
                l.actBits(), changed.get(l.name()), l.weightEstimator()) : l).toList();
        return new QuantRecipe(ls, activations, biases, target, embeddings, sparq, weightLevels, extraPoints);
    }

    /** The same recipe with these extra points for these layers (multipoint; others keep theirs). */
    public QuantRecipe withExtraPoints(Map<String, List<ExtraPoint>> added) {
        Map<String, List<ExtraPoint>> m = new LinkedHashMap<>(extraPoints);
        m.putAll(added);
        return new QuantRecipe(layers, activations, biases, target, embeddings, sparq, weightLevels, m);
    }

    /** The same recipe with these activations' parameters replaced (by value name). */
    public QuantRecipe withActivations(Map<String, QuantParams> changed) {
        List<ActivationQuant> acts = activations.stream().map(a -> changed.containsKey(a.value())
                ? new ActivationQuant(a.value(), changed.get(a.value()), a.estimator()) : a).toList();
        return new QuantRecipe(layers, acts, biases, target, embeddings, sparq, weightLevels, extraPoints);
    }

    /**
     * The bias layer node n (named l in the recipe, of float graph g) adds before it is quantized: the corrected
     * values where bias correction changed it, else the node's own bias, or null when it has none.
     */
    public mpq.tensor.Tensor floatBias(LayerQuant l, mpq.graph.Node n, mpq.graph.Graph g) {
        float[] corrected = biases.get(l.name());
        if (corrected != null) {
            return mpq.tensor.Tensor.of(new int[] {corrected.length}, corrected);
        }
        return n.inputs().size() > 2 && !n.input(2).isEmpty() ? g.weight(n.input(2)) : null;
    }

    /**
     * The values a layer's weight w takes in the quantized model: the learned integers when a refiner set them,
     * else w rounded to nearest on the layer's grid.
     */
    public mpq.tensor.Tensor quantizedWeight(LayerQuant l, mpq.tensor.Tensor w) {
        mpq.tensor.Tensor base = baseWeight(l, w);
        List<ExtraPoint> extra = extraPoints.get(l.name());
        return extra == null ? base : Multipoint.add(base, Multipoint.channelAxis(l), extra, l.weightParams().grid(),
                l.name());
    }

    /** The weight's values from its first point alone: learned integers or round to nearest, on the layer's grid. */
    public mpq.tensor.Tensor baseWeight(LayerQuant l, mpq.tensor.Tensor w) {
        int[] q = weightLevels.get(l.name());
        if (q == null) {
            return l.weightParams().apply(w);
        }
        IntGrid grid = l.weightParams().grid();
        if (q.length != w.size()) {
            throw new IllegalArgumentException("recipe layer '" + l.name() + "': " + q.length + " weight levels for a "
                    + w.size() + "-element weight");
        }
        for (int v : q) {
            if (v < grid.qmin() || v > grid.qmax()) {
                throw new IllegalArgumentException("recipe layer '" + l.name() + "': weight level " + v
                        + " lies outside the " + grid + " grid");
            }
        }
        return l.weightParams().dequantize(q, w.shape());
    }

    /**
     * The layers that read their input through SPARQ windows: every layer whose input is a quantized activation the
     * windows apply to (unsigned, zero point 0, wider than the window). None without SPARQ.
     */
    public List<LayerQuant> windowedLayers() {
        if (sparq == null) {
            return List.of();
        }
        return layers.stream().filter(l -> {
            ActivationQuant a = activation(l.input());
            return a != null && sparq.appliesTo(a.params());
        }).toList();
    }
}

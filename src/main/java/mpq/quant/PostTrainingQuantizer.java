package mpq.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.tensor.Tensor;

/**
 * Post-training quantization of a float model: fold BatchNorm, choose weight ranges per layer, observe activations
 * on calibration data in one pass and choose their ranges, build the fake-quant graph, and optionally correct biases.
 */
public final class PostTrainingQuantizer {
    private PostTrainingQuantizer() {}

    /**
     * @param floatGraph the model with BatchNorm folded: the reference the quantized graph is compared with
     * @param quantized  the simulated quantized model (runs on mpq's executor)
     * @param layers     per weight layer, what was chosen and how much the weights lost
     * @param activations per quantized activation, its observed and chosen range and its loss
     */
    public record Result(Graph floatGraph, Graph quantized, QuantRecipe recipe, List<LayerReport> layers,
                         List<ActivationReport> activations) {}

    /** One weight layer: bits, and the weight's signal-to-quantization-noise ratio. */
    public record LayerReport(String name, String opType, long params, int weightBits, int actBits, boolean perChannel,
                              boolean edge, double weightSqnrDb) {}

    /** One activation: the data's range, the clipping range chosen, and the SQNR on the calibration data. */
    public record ActivationReport(String value, int bits, double min, double max, double lo, double hi,
                                   double sqnrDb) {}

    /**
     * What calibration learned, independent of bit-widths and estimators: the folded graph, where to quantize, and
     * a histogram of every activation to quantize. One of these serves any number of configurations.
     */
    public record Calibrated(Graph floatGraph, QuantTargets targets, Map<String, Histogram> histograms, Batches data) {}

    /** Quantizes a model in one go: {@link #calibrate} then {@link #quantize}. */
    public static Result run(Graph model, QuantConfig cfg, Batches calib, int threads, Progress progress) {
        return quantize(calibrate(model, calib, threads, progress), cfg, threads, progress);
    }

    /**
     * The float graph quantization works on and recipes name: shared weights untied (one copy per layer), then
     * BatchNorm folded into the layer before it.
     */
    public static Graph prepare(Graph model) {
        return FoldBatchNorm.apply(UntieWeights.apply(model));
    }

    /** Prepares the graph, finds what to quantize and observes every activation in one pass over the data. */
    public static Calibrated calibrate(Graph model, Batches calib, int threads, Progress progress) {
        Graph g = prepare(model);
        QuantTargets targets = QuantTargets.find(g);
        if (targets.layers().isEmpty()) {
            throw new BadInputException("the model has no Conv, Gemm or MatMul layer with constant weights to quantize");
        }
        List<String> values = targets.activations().stream().map(QuantTargets.Activation::value).toList();
        return new Calibrated(g, targets, Calibration.observe(g, values, calib, threads, progress), calib);
    }

    /** Chooses every range for one configuration, runs its refiners, and builds the quantized graph. */
    public static Result quantize(Calibrated c, QuantConfig cfg, int threads, Progress progress) {
        Graph g = c.floatGraph();
        QuantTargets targets = c.targets();
        List<String> names = targets.layers().stream().map(WeightLayer::name).toList();
        List<String> unmatched = cfg.unmatchedPatterns(names);
        if (!unmatched.isEmpty()) {
            throw new BadInputException("layer setting " + unmatched + " matches no layer; layers are: "
                    + String.join(", ", names));
        }
        Map<String, QuantConfig.LayerSpec> specs = new LinkedHashMap<>();
        for (WeightLayer l : targets.layers()) {
            specs.put(l.name(), cfg.specFor(l.name(), targets.isEdge(l), l.depthwise(g)));
        }

        Map<String, Integer> actBits = activationBits(targets, specs, cfg.defaults().actBits());
        List<QuantRecipe.LayerQuant> layerQuants = new ArrayList<>();
        for (WeightLayer l : targets.layers()) {
            QuantConfig.LayerSpec s = specs.get(l.name());
            // The input may be wider than the layer asked for (shared with a wider reader): the target decides on it.
            int wBits = cfg.target().weightBits(s.weightBits(), actBits.getOrDefault(l.input(), s.actBits()),
                    l.depthwise(g));
            Tensor w = g.weight(l.weight());
            if (w.firstNonFinite() >= 0) {
                throw new mpq.base.BadInputException("layer '" + l.name() + "': weight '" + l.weight() + "' holds "
                        + w.nonFiniteCount() + " NaN or Inf values, which no quantization grid can represent");
            }
            QuantParams p = cfg.representation().weightParams(w, s.perChannel() ? l.channelAxis() : -1, wBits,
                    Estimators.byName(s.weightEstimator()));
            layerQuants.add(new QuantRecipe.LayerQuant(l.name(), l.node().opType(), l.depthwise(g), l.weight(),
                    l.input(), wBits, s.actBits(), p, s.weightEstimator()));
        }

        Map<String, Histogram> hist = c.histograms();
        List<QuantRecipe.ActivationQuant> actQuants = new ArrayList<>();
        for (QuantTargets.Activation a : targets.activations()) {
            QuantConfig.LayerSpec s = a.readers().isEmpty() ? cfg.defaults() : specs.get(a.readers().getFirst().name());
            int bits = actBits.get(a.value());
            Histogram h = hist.get(a.value());
            QuantParams p = cfg.representation().activationParams(h, bits, Estimators.byName(s.actEstimator()));
            actQuants.add(new QuantRecipe.ActivationQuant(a.value(), p, s.actEstimator()));
        }

        SparqWindows windows = cfg.sparq();
        QuantRecipe recipe = new QuantRecipe(layerQuants, actQuants, Map.of(), cfg.target(), embeddings(g, cfg),
                windows);
        if (windows != null && recipe.windowedLayers().isEmpty()) {
            throw new BadInputException(windows.describe() + ": no layer reads an unsigned activation wider than "
                    + windows.bits() + " bits (SPARQ windows the inputs that come from a ReLU, at --a-bits 8)");
        }
        if (cfg.multipoint() > 0) {
            recipe = Multipoint.apply(c, recipe, cfg.multipoint(), threads, progress);
        }
        for (String name : cfg.refiners()) {
            recipe = Refiners.byName(name).refine(c, recipe, cfg, threads, progress);
        }
        return new Result(g, FakeQuantPass.apply(g, recipe), recipe, layerReports(g, targets, cfg, recipe),
                activationReports(c, recipe));
    }

    /** What each layer got, as refined: its bits and its weights' SQNR (learned rounding included). */
    private static List<LayerReport> layerReports(Graph g, QuantTargets targets, QuantConfig cfg, QuantRecipe r) {
        List<LayerReport> out = new ArrayList<>();
        for (WeightLayer l : targets.layers()) {
            QuantRecipe.LayerQuant lq = r.layer(l.name());
            Tensor w = g.weight(l.weight());
            out.add(new LayerReport(l.name(), l.node().opType(), w.size(), lq.weightBits(), lq.actBits(),
                    lq.weightParams().perChannel(), targets.isEdge(l), WeightQuantizer.sqnrDb(w,
                    r.quantizedWeight(lq, w))));
        }
        return out;
    }

    /** Each activation's observed range and the range and SQNR of its grid, as refined (learned steps included). */
    private static List<ActivationReport> activationReports(Calibrated c, QuantRecipe r) {
        List<ActivationReport> out = new ArrayList<>();
        for (QuantTargets.Activation a : c.targets().activations()) {
            Histogram h = c.histograms().get(a.value());
            QuantParams p = r.activation(a.value()).params();
            double meanSquare = h.count() == 0 ? 0 : h.sumOfSquares() / h.count();
            double noise = new QuantError(h).meanSquared(p);
            Range chosen = p.range(0);
            out.add(new ActivationReport(a.value(), p.grid().bits(), h.min(), h.max(), chosen.lo(), chosen.hi(),
                    noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(meanSquare / noise)));
        }
        return out;
    }

    /** Refuses, before any work, embedding bits for a model without embedding tables. */
    public static void checkEmbeddings(Graph model, QuantConfig cfg) {
        embeddings(UntieWeights.apply(model), cfg);   // folding BN changes no table: untying is what can
    }

    /** Every embedding table at the configured bits and method, or none when they stay float. */
    private static List<QuantRecipe.EmbeddingQuant> embeddings(Graph g, QuantConfig cfg) {
        if (cfg.embeddingBits() == 0) {
            return List.of();
        }
        List<String> tables = EmbeddingTables.find(g);
        if (tables.isEmpty()) {
            throw new BadInputException("--embedding-bits " + cfg.embeddingBits() + ": the model has no embedding table "
                    + "(a float initializer [rows, dim] read only by Gather nodes)");
        }
        return tables.stream().map(t -> new QuantRecipe.EmbeddingQuant(t, cfg.embeddingBits(), cfg.embeddingMethod()))
                .toList();
    }

    /**
     * Bits per activation: the most any weight layer reading it asks for; with no reader, the most its next
     * quantization points get (so data on its way through pooling to an 8-bit last layer stays at 8 bits); else the
     * default.
     */
    static Map<String, Integer> activationBits(QuantTargets targets, Map<String, QuantConfig.LayerSpec> specs,
                                               int defaultBits) {
        Map<String, Integer> bits = new LinkedHashMap<>();
        List<QuantTargets.Activation> acts = targets.activations();
        for (int i = acts.size() - 1; i >= 0; i--) {   // later points first: next points are decided before
            QuantTargets.Activation a = acts.get(i);
            int b = a.readers().stream().mapToInt(r -> specs.get(r.name()).actBits()).max()
                    .orElse(a.next().stream().mapToInt(v -> bits.getOrDefault(v, defaultBits)).max().orElse(defaultBits));
            bits.put(a.value(), b);
        }
        return bits;
    }
}

package mpq.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mpq.base.Method;
import mpq.base.Progress;
import mpq.eval.EvalResult;
import mpq.eval.EvalSet;
import mpq.hardware.Budget;
import mpq.quant.Bits;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.WeightSize;
import mpq.report.Point;
import mpq.search.Allocators;
import mpq.sensitivity.Metrics;
import mpq.graph.exec.Backprop;
import mpq.sensitivity.SensitivityCache;
import mpq.sensitivity.SensitivityContext;
import mpq.tensor.Tensor;

/**
 * Every (metric, allocator) pair asked for on one model, calibration sample and set of budgets: each pair a search
 * (sensitivities measured once per metric and shared by its allocators), evaluated on the same data; pairs that
 * cannot run are listed with the reason; uniform bit-widths for reference.
 */
public final class MethodComparison {
    private MethodComparison() {}

    /**
     * @param seconds  the search's time: the metric's sensitivities plus this allocation and quantization
     * @param used     per budget, what the allocation uses (≤ the limit)
     */
    public record Row(String metric, String allocator, List<String> refine, long weightBytes, double bops,
                      EvalResult eval, double seconds, double[] used, Map<String, Bits> bits) {}

    public record Skipped(String metric, String allocator, String reason) {}

    public record Result(List<Row> rows, List<Skipped> skipped, List<Budget> budgets, List<Point> uniform) {}

    /** The default metrics (or allocators): the quick ones of the registry. */
    public static List<String> quick(mpq.base.Registry<?> registry) {
        return registry.methods().stream().filter(Method::quick).map(Method::name).toList();
    }

    /**
     * About how long a metric's sensitivities take here: its passes over the calibration data times the time of one
     * forward-and-backward pass, measured now.
     */
    public static double estimateSeconds(String metric, PostTrainingQuantizer.Calibrated cal, QuantConfig base,
                                         SearchSpec spec, int threads) {
        SensitivityContext ctx = new SensitivityContext(cal, base, spec.cells(), threads, spec.seed(), spec.tol(),
                spec.maxIterations());
        List<String> weights = cal.targets().layers().stream().map(mpq.quant.WeightLayer::weight).toList();
        long t0 = System.nanoTime();
        try (Backprop bp = new Backprop(cal.floatGraph(), weights, false, threads)) {
            String out = cal.floatGraph().outputs().getFirst().name();
            for (Tensor x : cal.data().list()) {
                Tensor y = bp.forward(x);
                bp.backward(Map.of(out, Tensor.zeros(y.shape())));
            }
        }
        return Metrics.byName(metric).passes(ctx) * (System.nanoTime() - t0) / 1e9;
    }

    /**
     * @param spec the search every row shares (bits, budgets, ties, estimators); its metric and allocator are replaced
     */
    public static Result run(PostTrainingQuantizer.Calibrated cal, QuantConfig base, SearchSpec spec,
                             List<String> metrics, List<String> allocators, EvalSet data, int threads,
                             SensitivityCache cache, Progress progress) {
        List<Budget> budgets = Budgets.resolve(cal, base, spec.budgets(), spec.actBits(), threads);
        List<Row> rows = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (String metric : metrics) {
            Method m = Metrics.REGISTRY.method(metric);
            if (m.needs(Method.Need.LABELS) && !cal.data().hasLabels()) {
                for (String a : allocators) {
                    skipped.add(new Skipped(metric, a, "needs " + Method.Need.LABELS.description + "; the "
                            + "calibration data has none"));
                }
                continue;
            }
            long t0 = System.nanoTime();
            SearchSpec s = spec.withMetric(metric);
            Sensitivities sens = Sensitivities.measure(cal, base, s, threads, cache, progress);
            double sensSeconds = (System.nanoTime() - t0) / 1e9;
            for (String allocator : allocators) {
                Method am = Allocators.REGISTRY.method(allocator);
                if (am.needs(Method.Need.ONE_BUDGET) && budgets.size() != 1) {
                    skipped.add(new Skipped(metric, allocator, "needs " + Method.Need.ONE_BUDGET.description
                            + ", given " + budgets.size()));
                    continue;
                }
                long t1 = System.nanoTime();
                Allocated a = MixedPrecisionSearch.allocate(cal, base, s.withAllocator(allocator), sens, budgets,
                        threads, progress);
                double seconds = sensSeconds + (System.nanoTime() - t1) / 1e9;
                EvalResult e = data.evaluate(a.quantization().quantized(), threads);
                rows.add(new Row(metric, allocator, base.refiners(), a.weightBytes(), a.bops(), e, seconds,
                        a.allocation().cost(), a.bits()));
            }
        }
        List<Point> uniform = new ArrayList<>();
        int act = java.util.Arrays.stream(spec.actBits()).max().orElse(8);
        // Multipoint is a representation beside uniform grids: with it, each uniform width is shown both ways.
        List<Double> fractions = base.multipoint() > 0 ? List.of(0.0, base.multipoint()) : List.of(0.0);
        for (int b : new int[] {2, 3, 4, 6, 8}) {
            for (double f : fractions) {
                QuantConfig u = base.withDefaults(base.defaults().withBits(b, act)).withMultipoint(f);
                PostTrainingQuantizer.Result r = PostTrainingQuantizer.quantize(cal, u, threads, Progress.NONE);
                EvalResult e = data.evaluate(r.quantized(), threads);
                String label = (f > 0 ? "multipoint " + f + " W" : "uniform W") + b + "A" + act;
                uniform.add(new Point(label, WeightSize.bytes(r.floatGraph(), r.recipe()), e.top1(), e.count()));
            }
        }
        return new Result(rows, skipped, budgets, uniform);
    }
}

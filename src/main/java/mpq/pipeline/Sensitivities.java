package mpq.pipeline;

import java.util.Arrays;
import java.util.List;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.quant.Bits;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.search.Allocators;
import mpq.sensitivity.Metrics;
import mpq.sensitivity.SensitivityCache;
import mpq.sensitivity.SensitivityContext;
import mpq.sensitivity.SensitivityMetric;
import mpq.sensitivity.SensitivityTable;

/**
 * The sensitivity stage: a metric's table over the candidate cells, from the cache when everything it depends on
 * is the same; with several candidate weight estimators, one table per estimator merged cell by cell, each cell
 * taking the least sensitive estimator.
 *
 * @param estimators per layer and cell, the weight estimator the cell's value came from
 * @param compared   several weight estimators were measured (the cells may differ in estimator)
 * @param cached     every table came from the cache
 */
public record Sensitivities(SensitivityTable table, String[][] estimators, boolean compared, boolean cached) {
    /** The weight estimator a layer's cell was measured with. */
    public String estimatorOf(String layer, Bits cell) {
        return estimators[table.layers().indexOf(layer)][table.indexOf(cell)];
    }

    /**
     * @param cache where tables are kept between runs, or null for none
     */
    public static Sensitivities measure(PostTrainingQuantizer.Calibrated cal, QuantConfig base, SearchSpec spec,
                                        int threads, SensitivityCache cache, Progress progress) {
        List<String> list = spec.weightEstimators().isEmpty() ? List.of(base.defaults().weightEstimator())
                : spec.weightEstimators();
        if (Allocators.measures(spec.allocator())) {
            return unmeasured(cal, base, spec, threads, list.getFirst());
        }
        SensitivityTable merged = null;
        String[][] from = null;
        boolean allCached = true;
        for (String e : list) {
            QuantConfig cfg = base.withDefaults(base.defaults().withWeightEstimator(e));
            SensitivityContext ctx = new SensitivityContext(cal, cfg, spec.cells(), threads, spec.seed(), spec.tol(),
                    spec.maxIterations());
            SensitivityMetric metric = Metrics.byName(spec.metric());
            String key = cache == null ? null : SensitivityCache.key(cal.floatGraph(), cal.data(), description(metric,
                    ctx));
            SensitivityTable t = key == null ? null : cache.get(key);
            if (t == null) {
                allCached = false;
                t = metric.compute(ctx, progress);
                if (key != null) {
                    try {
                        cache.put(key, t);
                    } catch (BadInputException ex) {
                        progress.note("the sensitivity cache is not writable (" + ex.getMessage() + ")");
                    }
                }
            }
            if (merged == null) {
                merged = t;
                from = new String[t.layers().size()][t.cells().size()];
                for (String[] row : from) {
                    Arrays.fill(row, e);
                }
                continue;
            }
            double[][] v = new double[t.layers().size()][];
            for (int l = 0; l < v.length; l++) {
                v[l] = merged.values()[l].clone();
                for (int k = 0; k < v[l].length; k++) {
                    if (t.value(l, k) < v[l][k]) {
                        v[l][k] = t.value(l, k);
                        from[l][k] = e;
                    }
                }
            }
            merged = merged.withValues(v);
        }
        if (allCached) {
            progress.note("sensitivities: from the cache (" + spec.metric() + ")");
        }
        return new Sensitivities(merged, from, list.size() > 1, allCached);
    }

    /**
     * For an allocator that measures accuracy itself (HAQ): no metric runs; every cell's sensitivity is 0, which only
     * the report shows (--metric is not used).
     */
    private static Sensitivities unmeasured(PostTrainingQuantizer.Calibrated cal, QuantConfig base, SearchSpec spec,
                                            int threads, String estimator) {
        SensitivityContext ctx = new SensitivityContext(cal, base, spec.cells(), threads, spec.seed(), spec.tol(),
                spec.maxIterations());
        double[][] zeros = new double[ctx.layerNames().size()][ctx.cells().size()];
        String[][] from = new String[zeros.length][ctx.cells().size()];
        for (String[] row : from) {
            Arrays.fill(row, estimator);
        }
        return new Sensitivities(new SensitivityTable("none (" + spec.allocator() + " measures accuracy)",
                ctx.layerNames(), ctx.cells(), zeros), from, false, false);
    }

    /** Everything besides the graph and the data that the table depends on. */
    private static String description(SensitivityMetric metric, SensitivityContext ctx) {
        QuantConfig.LayerSpec d = ctx.config().defaults();
        return String.join("|", metric.name() + "@v" + metric.version(), ctx.cells().toString(),
                "w:" + d.weightEstimator(), "a:" + d.actEstimator(), d.perChannel() ? "per-channel" : "per-tensor",
                Long.toString(ctx.seed()), Double.toString(ctx.tol()), Integer.toString(ctx.maxIterations()))
                + (ctx.config().sparq() == null ? "" : "|sparq:" + ctx.config().sparq().describe());
    }
}

package mpq.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.hardware.BopsCost;
import mpq.hardware.Budget;
import mpq.hardware.LayerShape;
import mpq.quant.Bits;
import mpq.quant.LayerPattern;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.WeightSize;
import mpq.search.Allocation;
import mpq.search.AllocationProblem;
import mpq.search.Allocator;
import mpq.search.Allocators;
import mpq.search.MeasuringAllocator;
import mpq.search.InfeasibleBudgetException;
import mpq.search.Problems;
import mpq.sensitivity.SensitivityCache;

/**
 * Mixed precision from a model to a quantized model: calibrate, resolve the budgets, measure sensitivities per
 * layer and (w, a) cell, allocate within the budgets, quantize with the chosen bits (and the configuration's
 * refiners). The first and last layers stay at 8 bits when the configuration keeps them.
 */
public final class MixedPrecisionSearch {
    private MixedPrecisionSearch() {}

    /** The whole search on all cores, without a cache or progress reports. */
    public static SearchResult run(Graph model, Batches calib, QuantConfig base, SearchSpec spec) {
        int threads = Runtime.getRuntime().availableProcessors();
        PostTrainingQuantizer.Calibrated cal = PostTrainingQuantizer.calibrate(model, calib, threads, Progress.NONE);
        return run(cal, base, spec, threads, null, Progress.NONE);
    }

    /** @param cache where sensitivity tables are kept between runs, or null */
    public static SearchResult run(PostTrainingQuantizer.Calibrated cal, QuantConfig base, SearchSpec spec, int threads,
                                   SensitivityCache cache, Progress progress) {
        StageTimer stages = new StageTimer();
        List<Budget> budgets = Budgets.resolve(cal, base, spec.budgets(), spec.actBits(), threads);
        stages.lap("budgets");
        Sensitivities s = Sensitivities.measure(cal, base, spec, threads, cache, progress);
        stages.lap("sensitivities (" + s.table().metric() + (s.cached() ? ", cached" : "") + ")");
        Allocated a = allocate(cal, base, spec, s, budgets, threads, progress);
        stages.lap("allocate and quantize");
        return new SearchResult(s, a, stages.seconds());
    }

    /** The bits the first and last layers keep: 8 (the target may narrow the weights), inputs at least 8. */
    public static Bits edgeCell(QuantConfig base, int[] actBits) {
        int a = Math.max(QuantConfig.EDGE_BITS, java.util.Arrays.stream(actBits).max().orElse(8));
        return new Bits(base.target().weightBits(QuantConfig.EDGE_BITS, a), a);
    }

    /** An allocation of measured sensitivities within budgets (e.g. other budgets than the search's), quantized. */
    public static Allocated allocate(PostTrainingQuantizer.Calibrated cal, QuantConfig base, SearchSpec spec,
                                     Sensitivities s, List<Budget> budgets, int threads, Progress progress) {
        Set<String> edges = base.keepFirstLast() ? cal.targets().edgeLayers() : Set.of();
        List<Set<String>> ties = ties(cal, spec);
        boolean mixedActs = Bits.actWidths(s.table().cells()).length > 1;
        AllocationProblem problem = Problems.build(s.table(), LayerShape.of(cal.floatGraph()), edges,
                edgeCell(base, spec.actBits()), base.defaults().perChannel(), budgets, ties,
                mixedActs ? cal.targets().sharedInputGroups() : List.of());
        Allocation a;
        try {
            Allocator allocator = Allocators.byName(spec.allocator(), spec.haq());
            if (allocator instanceof MeasuringAllocator m) {
                List<LayerShape> all = LayerShape.of(cal.floatGraph());
                List<LayerShape> shapes = problem.layers().stream().map(o -> all.stream()
                        .filter(x -> x.name().equals(o.name())).findFirst().orElseThrow()).toList();
                HeldBackScore reward = HeldBackScore.of(cal, base, s, problem, spec.haq().rewardExamples(),
                        spec.haq().reward(), threads, progress);
                a = m.solve(problem, shapes, reward, progress);
            } else {
                a = allocator.solve(problem);
            }
        } catch (InfeasibleBudgetException e) {
            throw new BadInputException(Budgets.inUserUnits(e, cal, budgets, base));
        }
        Map<String, Bits> bits = bitsOf(problem, a);
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.quantize(cal, configFor(base, problem, a, s), threads,
                progress);
        double bops = 0;
        for (LayerShape shape : LayerShape.of(cal.floatGraph())) {
            Bits b = bits.get(shape.name());
            bops += new BopsCost().cost(shape, b.w(), b.a(), true);
        }
        return new Allocated(budgets, problem, a, bits, ties, r, WeightSize.bytes(cal.floatGraph(), r.recipe()), bops);
    }

    /** The bits an allocation gives each layer of the problem. */
    static Map<String, Bits> bitsOf(AllocationProblem problem, Allocation a) {
        Map<String, Bits> bits = new LinkedHashMap<>();
        for (int l = 0; l < problem.layers().size(); l++) {
            bits.put(problem.layers().get(l).name(), problem.layers().get(l).cells().get(a.choice()[l]));
        }
        return bits;
    }

    /** The quantization settings of an allocation: each layer's bits, and its estimator where they were compared. */
    static QuantConfig configFor(QuantConfig base, AllocationProblem problem, Allocation a, Sensitivities s) {
        QuantConfig cfg = base.withKeepFirstLast(false);
        for (Map.Entry<String, Bits> e : bitsOf(problem, a).entrySet()) {
            Bits b = e.getValue();
            String estimator = s.compared() && s.table().indexOf(b) >= 0 ? s.estimatorOf(e.getKey(), b) : null;
            cfg = cfg.withOverride(new QuantConfig.Override(e.getKey(), b.w(), b.a(), null, estimator));
        }
        return cfg;
    }

    /** The tie groups the spec asks for (overlapping groups are merged by the problem builder). */
    static List<Set<String>> ties(PostTrainingQuantizer.Calibrated cal, SearchSpec spec) {
        List<String> layers = cal.targets().layers().stream().map(mpq.quant.WeightLayer::name).toList();
        List<Set<String>> groups = new ArrayList<>();
        if (spec.tieAdds()) {
            groups.addAll(cal.targets().addInputGroups(cal.floatGraph()));
        }
        for (List<String> patterns : spec.ties()) {
            Set<String> group = new LinkedHashSet<>();
            for (String part : patterns) {
                LayerPattern p = new LayerPattern(part.trim());
                List<String> hit = layers.stream().filter(p::matches).toList();
                if (hit.isEmpty()) {
                    throw new BadInputException("--tie '" + part.trim() + "' names no quantizable layer; known: "
                            + String.join(", ", layers));
                }
                group.addAll(hit);
            }
            groups.add(group);
        }
        return groups;
    }
}

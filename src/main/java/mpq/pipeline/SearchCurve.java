package mpq.pipeline;

import java.util.ArrayList;
import java.util.List;
import mpq.base.Progress;
import mpq.eval.EvalResult;
import mpq.eval.EvalSet;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.WeightSize;
import mpq.report.Point;

/**
 * The size–accuracy curve a search report shows: its allocation at the sizes of uniform 2–6-bit weights, and
 * uniform 2/3/4/6/8-bit weights, each evaluated on the first examples of the evaluation data (uniform only for an
 * allocator that measures accuracy itself, which would repeat its whole search per point).
 */
public record SearchCurve(List<Point> mixed, List<Point> uniform) {
    public static SearchCurve measure(PostTrainingQuantizer.Calibrated cal, QuantConfig base, SearchSpec spec,
                                      Sensitivities s, EvalSet data, int limit, int threads) {
        List<Point> mixed = new ArrayList<>(), uniform = new ArrayList<>();
        // a measuring allocator (HAQ) would run its whole search per point: the curve shows uniform bits only
        boolean measuring = mpq.search.Allocators.measures(spec.allocator());
        for (int b : measuring ? new int[0] : new int[] {2, 3, 4, 5, 6}) {
            var budget = Budgets.resolve(cal, base, new BudgetSpec.SizeOfUniform(b), spec.actBits(), threads);
            Allocated a = MixedPrecisionSearch.allocate(cal, base, spec, s, List.of(budget), threads, Progress.NONE);
            mixed.add(point("mixed, size of uniform " + b + "-bit", a.quantization(), data, limit, threads));
        }
        int act = java.util.Arrays.stream(spec.actBits()).max().orElse(8);
        for (int b : new int[] {2, 3, 4, 6, 8}) {
            QuantConfig u = base.withDefaults(base.defaults().withBits(b, act));
            uniform.add(point("uniform W" + b + "A" + act, PostTrainingQuantizer.quantize(cal, u, threads,
                    Progress.NONE), data, limit, threads));
        }
        return new SearchCurve(mixed, uniform);
    }

    private static Point point(String label, PostTrainingQuantizer.Result r, EvalSet data, int limit, int threads) {
        EvalResult e = data.evaluate(r.quantized(), threads, limit);
        return new Point(label, WeightSize.bytes(r.floatGraph(), r.recipe()), e.top1(), e.count());
    }
}

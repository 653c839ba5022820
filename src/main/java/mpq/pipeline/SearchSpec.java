package mpq.pipeline;

import java.util.ArrayList;
import java.util.List;
import mpq.quant.Bits;
import mpq.quant.Estimators;
import mpq.quant.IntGrid;
import mpq.search.Allocators;
import mpq.search.HaqAllocator;
import mpq.sensitivity.Metrics;

/**
 * What a mixed-precision search is asked: the sensitivity metric and the allocator by name, the candidate weight and
 * activation bit-widths (their (w, a) cells), the budgets, layers tied to the same bits, the candidate weight
 * estimators, and the Hessian estimators' tolerance, product cap and seed.
 *
 * @param ties              groups of layer names or globs that must get the same bits
 * @param tieAdds           also tie the layers whose outputs meet at one Add
 * @param weightEstimators  candidate estimators for the weights (each layer and cell takes the one its metric
 *                          prefers); empty: the configuration's
 * @param haq               the HAQ agent's settings (read with --allocator haq only)
 */
public record SearchSpec(String metric, String allocator, int[] weightBits, int[] actBits, List<BudgetSpec> budgets,
                         List<List<String>> ties, boolean tieAdds, List<String> weightEstimators, double tol,
                         int maxIterations, long seed, HaqAllocator.Settings haq) {
    public SearchSpec {
        Metrics.REGISTRY.method(metric);
        Allocators.REGISTRY.method(allocator);
        weightBits = weightBits.clone();
        actBits = actBits.clone();
        if (weightBits.length == 0 || actBits.length == 0) {
            throw new mpq.base.BadInputException("give at least one weight and one activation bit-width");
        }
        for (int b : weightBits) {
            IntGrid.checkBits(b, "weight bit-width");
        }
        for (int b : actBits) {
            IntGrid.checkBits(b, "activation bit-width");
        }
        budgets = List.copyOf(budgets);
        ties = ties.stream().map(List::copyOf).toList();
        weightEstimators = List.copyOf(weightEstimators);
        weightEstimators.forEach(Estimators::byName);
        java.util.Objects.requireNonNull(haq, "haq settings");
    }

    /** HAWQ-V2 sensitivities, ILP allocation, weights of 2–6 or 8 bits, 8-bit activations, no budget yet. */
    public static SearchSpec defaults() {
        return new SearchSpec("hawq-v2", "ilp", new int[] {2, 3, 4, 5, 6, 8}, new int[] {8}, List.of(), List.of(),
                false, List.of(), 1e-3, 100, 0, HaqAllocator.Settings.defaults());
    }

    /** The candidate (w, a) cells as asked for (the target may narrow them). */
    public List<Bits> cells() {
        return Bits.cells(weightBits, actBits);
    }

    public SearchSpec withMetric(String m) {
        return new SearchSpec(m, allocator, weightBits, actBits, budgets, ties, tieAdds, weightEstimators, tol,
                maxIterations, seed, haq);
    }

    public SearchSpec withAllocator(String a) {
        return new SearchSpec(metric, a, weightBits, actBits, budgets, ties, tieAdds, weightEstimators, tol,
                maxIterations, seed, haq);
    }

    public SearchSpec withBits(int[] w, int[] a) {
        return new SearchSpec(metric, allocator, w, a, budgets, ties, tieAdds, weightEstimators, tol, maxIterations,
                seed, haq);
    }

    /** The budgets replaced. */
    public SearchSpec withBudgets(List<BudgetSpec> b) {
        return new SearchSpec(metric, allocator, weightBits, actBits, b, ties, tieAdds, weightEstimators, tol,
                maxIterations, seed, haq);
    }

    /** One more budget. */
    public SearchSpec withBudget(BudgetSpec b) {
        List<BudgetSpec> list = new ArrayList<>(budgets);
        list.add(b);
        return withBudgets(list);
    }

    public SearchSpec withTies(List<List<String>> t, boolean adds) {
        return new SearchSpec(metric, allocator, weightBits, actBits, budgets, t, adds, weightEstimators, tol,
                maxIterations, seed, haq);
    }

    public SearchSpec withWeightEstimators(List<String> e) {
        return new SearchSpec(metric, allocator, weightBits, actBits, budgets, ties, tieAdds, e, tol, maxIterations,
                seed, haq);
    }

    public SearchSpec withHaq(HaqAllocator.Settings h) {
        return new SearchSpec(metric, allocator, weightBits, actBits, budgets, ties, tieAdds, weightEstimators, tol,
                maxIterations, seed, h);
    }

    public SearchSpec withHessianSettings(double t, int maxIter, long s) {
        return new SearchSpec(metric, allocator, weightBits, actBits, budgets, ties, tieAdds, weightEstimators, t,
                maxIter, s, haq);
    }
}

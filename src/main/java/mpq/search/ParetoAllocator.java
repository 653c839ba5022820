package mpq.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ZeroQ's Pareto search: dynamic programming over the one constrained resource, discretised into at most
 * {@value #MAX_STEPS} steps, giving for every total cost the least total sensitivity — the whole frontier at once.
 * Option costs are rounded up to whole steps, so every allocation it returns really meets its budget; with integer
 * costs and a budget below {@value #MAX_STEPS} the search is exact.
 */
public final class ParetoAllocator implements Allocator {
    public static final int MAX_STEPS = 100_000;

    @Override
    public String name() {
        return "pareto";
    }

    @Override
    public Allocation solve(AllocationProblem p) {
        List<Allocation> f = frontier(p);
        return f.getLast();   // the frontier is ordered by cost; the last point is the least sensitive in budget
    }

    /**
     * The non-dominated allocations within the budget, cheapest first: each is the least sensitive one that costs
     * no more than it does.
     */
    public List<Allocation> frontier(AllocationProblem p) {
        p.requireFeasible();
        int resource = constrainedResource(p);
        AllocationProblem.Merged merged = p.merged();
        AllocationProblem q = merged.problem();
        double budget = p.budgets()[resource];
        double unit = Math.max(1, Math.ceil(budget / MAX_STEPS));
        int steps = (int) Math.floor(budget / unit);
        int layers = q.layers().size();
        double[] best = new double[steps + 1];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = 0;
        byte[][] pick = new byte[layers][steps + 1];
        for (int l = 0; l < layers; l++) {
            LayerOptions o = q.layers().get(l);
            int[] units = new int[o.options()];
            for (int k = 0; k < units.length; k++) {
                units[k] = (int) Math.min(Integer.MAX_VALUE / 2, Math.ceil(o.cost()[resource][k] / unit - 1e-9));
            }
            double[] next = new double[steps + 1];
            Arrays.fill(next, Double.POSITIVE_INFINITY);
            for (int c = 0; c <= steps; c++) {
                for (int k = 0; k < units.length; k++) {
                    int from = c - units[k];
                    if (from >= 0 && best[from] + o.sensitivity()[k] < next[c]) {
                        next[c] = best[from] + o.sensitivity()[k];
                        pick[l][c] = (byte) k;
                    }
                }
            }
            best = next;
        }
        List<Allocation> frontier = new ArrayList<>();
        double bestSoFar = Double.POSITIVE_INFINITY;
        for (int c = 0; c <= steps; c++) {
            if (best[c] < bestSoFar) {
                bestSoFar = best[c];
                frontier.add(merged.expand(p, backtrack(q, pick, c, unit, resource)));
            }
        }
        if (frontier.isEmpty()) {   // feasible in real costs, but not after rounding up to steps
            throw new InfeasibleBudgetException(p.resources().get(resource), budget, budget + unit * layers);
        }
        return frontier;
    }

    private static int[] backtrack(AllocationProblem q, byte[][] pick, int c, double unit, int resource) {
        int[] choice = new int[q.layers().size()];
        for (int l = q.layers().size() - 1; l >= 0; l--) {
            choice[l] = pick[l][c];
            LayerOptions o = q.layers().get(l);
            c -= (int) Math.ceil(o.cost()[resource][choice[l]] / unit - 1e-9);
        }
        return choice;
    }

    /** The one resource with a finite budget; Pareto search works on exactly one. */
    private static int constrainedResource(AllocationProblem p) {
        int found = -1;
        for (int r = 0; r < p.budgets().length; r++) {
            if (Double.isFinite(p.budgets()[r])) {
                if (found >= 0) {
                    throw new IllegalArgumentException("the pareto allocator takes one budget; use ilp for several");
                }
                found = r;
            }
        }
        if (found < 0) {
            throw new IllegalArgumentException("the pareto allocator needs a budget");
        }
        return found;
    }
}

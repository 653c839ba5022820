package mpq.search;

/**
 * The baseline: start every layer at its costliest option (usually its most bits) and, while a budget is exceeded,
 * step down the layer whose next cheaper option adds the least sensitivity per unit of over-budget cost saved.
 * A heuristic: its allocation's gap is unknown (NaN), never claimed optimal.
 */
public final class GreedyAllocator implements Allocator {
    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public Allocation solve(AllocationProblem p) {
        p.requireFeasible();
        AllocationProblem.Merged merged = p.merged();
        return merged.expand(p, greedy(merged.problem())).withGap(Double.NaN);
    }

    /** The greedy choice on an independent (merged) problem: every layer at its costliest option, stepped down. */
    static int[] greedy(AllocationProblem q) {
        int[] choice = new int[q.layers().size()];
        for (int l = 0; l < choice.length; l++) {
            choice[l] = costliest(q.layers().get(l));
        }
        return stepDown(q, choice);
    }

    /**
     * From a choice per layer of an independent (merged) problem, steps down while a budget is exceeded: each time
     * the layer whose cheaper option adds the least sensitivity per unit of over-budget cost saved. Returns the
     * choice that meets every budget.
     */
    static int[] stepDown(AllocationProblem q, int[] start) {
        int n = q.layers().size(), resources = q.resources().size();
        int[] choice = start.clone();
        int maxSteps = 1 + n * q.layers().stream().mapToInt(LayerOptions::options).max().orElse(1) * (resources + 1);
        for (int step = 0; step < maxSteps; step++) {
            Allocation a = Allocation.of(q, choice);
            boolean[] over = new boolean[resources];
            boolean any = false;
            for (int r = 0; r < resources; r++) {
                over[r] = a.cost()[r] > q.budgets()[r];
                any |= over[r];
            }
            if (!any) {
                return choice;
            }
            int bestLayer = -1, bestOption = -1;
            double bestRate = Double.POSITIVE_INFINITY;
            for (int l = 0; l < n; l++) {
                LayerOptions o = q.layers().get(l);
                for (int k = 0; k < o.options(); k++) {
                    double saved = 0;
                    for (int r = 0; r < resources; r++) {
                        if (over[r]) {   // each resource's saving relative to its budget, so units do not matter
                            saved += (o.cost()[r][choice[l]] - o.cost()[r][k]) / Math.max(1e-300, q.budgets()[r]);
                        }
                    }
                    if (saved <= 0) {
                        continue;
                    }
                    double rate = (o.sensitivity()[k] - o.sensitivity()[choice[l]]) / saved;
                    if (rate < bestRate) {
                        bestRate = rate;
                        bestLayer = l;
                        bestOption = k;
                    }
                }
            }
            if (bestLayer < 0) {
                throw new IllegalStateException("greedy search is stuck although the budgets are feasible");
            }
            choice[bestLayer] = bestOption;
        }
        throw new IllegalStateException("greedy search did not settle within " + maxSteps + " steps");
    }

    private static int costliest(LayerOptions o) {
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < o.options(); k++) {
            double c = 0;
            for (double[] row : o.cost()) {
                c += row[k];
            }
            if (c > max) {
                max = c;
                best = k;
            }
        }
        return best;
    }
}

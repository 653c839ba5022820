package mpq.search;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;

/**
 * OMPQ's allocation: the linear programme with each layer's choice relaxed to a mixture of its options (x in [0, 1],
 * summing to 1 per layer), total sensitivity minimised within every budget, solved by GLOP through OR-Tools; then
 * integer bits without exceeding a budget: each layer takes the option the LP weights most, layers step down while a
 * budget is exceeded and step up while an upgrade still fits, each time where sensitivity per cost is best. A
 * relaxation is not exact: the ILP on the same problem is the optimum to compare with.
 */
public final class LpAllocator implements Allocator {
    @Override
    public String name() {
        return "lp";
    }

    @Override
    public Allocation solve(AllocationProblem p) {
        p.requireFeasible();
        AllocationProblem.Merged merged = p.merged();
        AllocationProblem q = merged.problem();
        int[] choice = GreedyAllocator.stepDown(q, relaxed(q));
        return merged.expand(p, stepUp(q, choice));
    }

    /** The option per layer that the LP relaxation weights most. */
    private static int[] relaxed(AllocationProblem q) {
        Loader.loadNativeLibraries();
        MPSolver solver = MPSolver.createSolver("GLOP");
        if (solver == null) {
            throw new IllegalStateException("OR-Tools has no GLOP solver on this platform");
        }
        try {
            int n = q.layers().size();
            MPVariable[][] x = ChoiceProgram.build(solver, q, false);
            MPSolver.ResultStatus status = solver.solve();
            if (status != MPSolver.ResultStatus.OPTIMAL) {
                throw new IllegalStateException("the LP solver ended with status " + status);
            }
            int[] choice = new int[n];
            for (int l = 0; l < n; l++) {
                for (int k = 1; k < x[l].length; k++) {
                    if (x[l][k].solutionValue() > x[l][choice[l]].solutionValue()) {
                        choice[l] = k;
                    }
                }
            }
            return choice;
        } finally {
            solver.delete();
        }
    }

    /**
     * While some layer's other option lowers the sensitivity and still fits every budget, takes the one that lowers it
     * most per unit of added cost (each resource relative to its budget).
     */
    static int[] stepUp(AllocationProblem q, int[] start) {
        int n = q.layers().size(), resources = q.resources().size();
        int[] choice = start.clone();
        while (true) {
            double[] used = Allocation.of(q, choice).cost();
            int bestLayer = -1, bestOption = -1;
            double bestRate = 0;
            for (int l = 0; l < n; l++) {
                LayerOptions o = q.layers().get(l);
                for (int k = 0; k < o.options(); k++) {
                    double gain = o.sensitivity()[choice[l]] - o.sensitivity()[k], added = 0;
                    boolean fits = gain > 0;
                    for (int r = 0; r < resources && fits; r++) {
                        double delta = o.cost()[r][k] - o.cost()[r][choice[l]];
                        fits = used[r] + delta <= q.budgets()[r];
                        if (Double.isFinite(q.budgets()[r])) {
                            added += Math.max(0, delta) / Math.max(1e-300, q.budgets()[r]);
                        }
                    }
                    double rate = added <= 0 ? Double.POSITIVE_INFINITY : gain / added;
                    if (fits && rate > bestRate) {
                        bestRate = rate;
                        bestLayer = l;
                        bestOption = k;
                    }
                }
            }
            if (bestLayer < 0) {
                return choice;
            }
            choice[bestLayer] = bestOption;
        }
    }
}

package mpq.search;

import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;

/**
 * The programme the ILP and the LP allocators share: a variable per layer and option (0/1, or relaxed to [0, 1]),
 * exactly one option per layer, total sensitivity minimised, every finite budget a constraint.
 */
final class ChoiceProgram {
    private ChoiceProgram() {}

    /** Builds it in solver for an independent (merged) problem; returns the variables by layer and option. */
    static MPVariable[][] build(MPSolver solver, AllocationProblem q, boolean integer) {
        int n = q.layers().size();
        MPVariable[][] x = new MPVariable[n][];
        MPObjective objective = solver.objective();
        for (int l = 0; l < n; l++) {
            LayerOptions o = q.layers().get(l);
            x[l] = new MPVariable[o.options()];
            MPConstraint one = solver.makeConstraint(1, 1, "one_" + l);
            for (int k = 0; k < o.options(); k++) {
                x[l][k] = integer ? solver.makeBoolVar("x_" + l + "_" + k) : solver.makeNumVar(0, 1, "x_" + l + "_" + k);
                one.setCoefficient(x[l][k], 1);
                objective.setCoefficient(x[l][k], o.sensitivity()[k]);
            }
        }
        objective.setMinimization();
        for (int r = 0; r < q.resources().size(); r++) {
            if (!Double.isFinite(q.budgets()[r])) {
                continue;
            }
            MPConstraint c = solver.makeConstraint(Double.NEGATIVE_INFINITY, q.budgets()[r], q.resources().get(r));
            for (int l = 0; l < n; l++) {
                for (int k = 0; k < x[l].length; k++) {
                    c.setCoefficient(x[l][k], q.layers().get(l).cost()[r][k]);
                }
            }
        }
        return x;
    }
}

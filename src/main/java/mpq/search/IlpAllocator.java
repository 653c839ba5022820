package mpq.search;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPSolverParameters;
import com.google.ortools.linearsolver.MPVariable;

/**
 * HAWQ-V3's integer linear programme: a 0/1 variable per layer and option, exactly one option per layer, total
 * sensitivity minimised subject to every finite budget at once. Solved to optimality (relative gap 0) by SCIP through
 * OR-Tools; ties are merged into one layer before.
 */
public final class IlpAllocator implements Allocator {
    @Override
    public String name() {
        return "ilp";
    }

    @Override
    public Allocation solve(AllocationProblem p) {
        p.requireFeasible();
        AllocationProblem.Merged merged = p.merged();
        AllocationProblem q = merged.problem();
        Loader.loadNativeLibraries();
        MPSolver solver = MPSolver.createSolver("SCIP");
        if (solver == null) {
            throw new IllegalStateException("OR-Tools has no SCIP solver on this platform");
        }
        try {
            int n = q.layers().size();
            MPVariable[][] x = ChoiceProgram.build(solver, q, true);
            MPSolverParameters params = new MPSolverParameters();
            params.setDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, 0.0);
            MPSolver.ResultStatus status = solver.solve(params);
            if (status != MPSolver.ResultStatus.OPTIMAL) {
                throw new IllegalStateException("the ILP solver ended with status " + status);
            }
            int[] choice = new int[n];
            for (int l = 0; l < n; l++) {
                for (int k = 0; k < x[l].length; k++) {
                    if (x[l][k].solutionValue() > 0.5) {
                        choice[l] = k;
                    }
                }
            }
            return merged.expand(p, choice);
        } finally {
            solver.delete();
        }
    }
}

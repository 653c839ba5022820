package mpq.search;

import com.google.ortools.Loader;
import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.Literal;
import java.util.ArrayList;
import java.util.List;

/**
 * CLADO's integer quadratic programme: a 0/1 variable per layer and option, one option per layer, ties and shared
 * activation bits as equalities, every finite budget a constraint, and the objective the options' sensitivities plus
 * the problem's interactions between the options of two layers — each product of two choices a 0/1 variable held to
 * it from the side the objective pushes (at least their AND for a positive term, at most either for a negative one).
 * Solved by CP-SAT through OR-Tools within a time limit; the relative gap to its bound comes with the solution.
 * Coefficients are scaled to integers (sensitivities to 10^9 of the largest; integer costs exactly, others rounded
 * up and budgets down, so no solution exceeds a budget).
 */
public final class IqpAllocator implements Allocator {
    /** CP-SAT's time limit (CLADO's reference gives Gurobi 60 s). */
    static final double TIME_LIMIT_SECONDS = 60;

    @Override
    public String name() {
        return "iqp";
    }

    @Override
    public Allocation solve(AllocationProblem p) {
        p.requireFeasible();
        Loader.loadNativeLibraries();
        CpModel model = new CpModel();
        int n = p.layers().size();
        BoolVar[][] x = new BoolVar[n][];
        for (int l = 0; l < n; l++) {
            x[l] = new BoolVar[p.layers().get(l).options()];
            for (int k = 0; k < x[l].length; k++) {
                x[l][k] = model.newBoolVar("x_" + l + "_" + k);
            }
            model.addExactlyOne(x[l]);
        }
        for (int[] group : p.ties()) {
            for (int i = 1; i < group.length; i++) {
                for (int k = 0; k < x[group[0]].length; k++) {
                    model.addEquality(x[group[i]][k], x[group[0]][k]);
                }
            }
        }
        for (int[] group : p.sharedInputs()) {   // the same activation bits: equal mass on every activation width
            for (int a : actWidths(p, group)) {
                LinearExpr first = widthSum(p, x, group[0], a);
                for (int i = 1; i < group.length; i++) {
                    model.addEquality(widthSum(p, x, group[i], a), first);
                }
            }
        }
        for (int r = 0; r < p.resources().size(); r++) {
            double budget = p.budgets()[r];
            if (!Double.isFinite(budget)) {
                continue;
            }
            double max = budget;
            boolean integral = true;
            for (LayerOptions o : p.layers()) {
                for (double c : o.cost()[r]) {
                    max = Math.max(max, c * n);
                    integral &= c == Math.rint(c);
                }
            }
            // Integer costs (bits, BOPs) that fit are taken exactly; others are scaled, rounded to the safe side.
            double scale = integral && max <= Math.scalb(1.0, 52) ? 1 : Math.scalb(1.0, 50) / Math.max(max, 1e-300);
            List<BoolVar> vars = new ArrayList<>();
            List<Long> coef = new ArrayList<>();
            for (int l = 0; l < n; l++) {
                for (int k = 0; k < x[l].length; k++) {
                    vars.add(x[l][k]);
                    coef.add((long) Math.ceil(p.layers().get(l).cost()[r][k] * scale));
                }
            }
            model.addLessOrEqual(LinearExpr.weightedSum(vars.toArray(BoolVar[]::new),
                    coef.stream().mapToLong(Long::longValue).toArray()), (long) Math.floor(budget * scale));
        }
        objective(model, p, x);
        CpSolver solver = new CpSolver();
        solver.getParameters().setMaxTimeInSeconds(TIME_LIMIT_SECONDS);
        solver.getParameters().setNumWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
        CpSolverStatus status = solver.solve(model);
        if (status != CpSolverStatus.OPTIMAL && status != CpSolverStatus.FEASIBLE) {
            throw new IllegalStateException("the IQP solver ended with status " + status);
        }
        int[] choice = new int[n];
        for (int l = 0; l < n; l++) {
            for (int k = 0; k < x[l].length; k++) {
                if (solver.booleanValue(x[l][k])) {
                    choice[l] = k;
                }
            }
        }
        double obj = solver.objectiveValue(), bound = solver.bestObjectiveBound();
        double gap = status == CpSolverStatus.OPTIMAL ? 0 : Math.abs(obj - bound) / Math.max(1, Math.abs(obj));
        return Allocation.of(p, choice).withGap(gap);
    }

    /** Sensitivities plus interactions, scaled to integers. */
    private static void objective(CpModel model, AllocationProblem p, BoolVar[][] x) {
        int n = p.layers().size();
        double[][] inter = p.interactions();
        double max = 0;
        for (LayerOptions o : p.layers()) {
            for (double s : o.sensitivity()) {
                max = Math.max(max, Math.abs(s));
            }
        }
        if (inter != null) {
            for (double[] row : inter) {
                for (double v : row) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        double scale = max == 0 ? 1 : 1e9 / max;
        List<Literal> vars = new ArrayList<>();
        List<Long> coef = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            for (int k = 0; k < x[l].length; k++) {
                vars.add(x[l][k]);
                coef.add(Math.round(p.layers().get(l).sensitivity()[k] * scale));
            }
        }
        if (inter != null) {
            for (int l = 0; l < n; l++) {
                for (int m = l + 1; m < n; m++) {
                    for (int k = 0; k < x[l].length; k++) {
                        for (int j = 0; j < x[m].length; j++) {
                            long c = Math.round(inter[p.index(l, k)][p.index(m, j)] * scale);
                            if (c == 0) {
                                continue;
                            }
                            BoolVar y = model.newBoolVar("y_" + l + "_" + k + "_" + m + "_" + j);
                            if (c > 0) {   // minimising pushes y down: make it at least the AND
                                model.addBoolOr(new Literal[] {x[l][k].not(), x[m][j].not(), y});
                            } else {       // pushes y up: at most either
                                model.addImplication(y, x[l][k]);
                                model.addImplication(y, x[m][j]);
                            }
                            vars.add(y);
                            coef.add(c);
                        }
                    }
                }
            }
        }
        model.minimize(LinearExpr.weightedSum(vars.toArray(Literal[]::new),
                coef.stream().mapToLong(Long::longValue).toArray()));
    }

    private static int[] actWidths(AllocationProblem p, int[] group) {
        return java.util.Arrays.stream(group).flatMap(l -> p.layers().get(l).cells().stream().mapToInt(c -> c.a()))
                .distinct().toArray();
    }

    private static LinearExpr widthSum(AllocationProblem p, BoolVar[][] x, int layer, int a) {
        List<BoolVar> vars = new ArrayList<>();
        List<mpq.quant.Bits> cells = p.layers().get(layer).cells();
        for (int k = 0; k < cells.size(); k++) {
            if (cells.get(k).a() == a) {
                vars.add(x[layer][k]);
            }
        }
        return LinearExpr.sum(vars.toArray(BoolVar[]::new));
    }
}

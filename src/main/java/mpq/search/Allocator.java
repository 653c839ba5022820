package mpq.search;

/** Chooses one option per layer minimising total sensitivity within every budget of the problem. */
public interface Allocator {
    String name();

    /** The best allocation found; throws {@link InfeasibleBudgetException} when no choice meets the budgets. */
    Allocation solve(AllocationProblem problem);
}

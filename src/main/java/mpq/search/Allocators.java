package mpq.search;

import java.util.List;
import mpq.base.Method;
import mpq.base.Method.Need;
import mpq.base.Registry;

/** The allocators by name. */
public final class Allocators {
    private Allocators() {}

    public static final Registry<Allocator> REGISTRY = new Registry<Allocator>(Method.Kind.ALLOCATOR)
            .add("ilp", "HAWQ-V3's integer linear programme, solved to optimality (SCIP via OR-Tools); any budgets",
                    List.of(), true, IlpAllocator::new)
            .add("pareto", "ZeroQ's dynamic programme over the budget: the whole size–sensitivity frontier",
                    List.of(Need.ONE_BUDGET), true, ParetoAllocator::new)
            .add("greedy", "from the costliest options, step down where sensitivity grows least per cost saved",
                    List.of(), true, GreedyAllocator::new)
            .add("lp", "OMPQ's linear programme (GLOP via OR-Tools) over relaxed choices, then rounded to integer "
                    + "bits within the budgets; any budgets", List.of(), true, LpAllocator::new)
            .add("iqp", "CLADO's integer quadratic programme (CP-SAT via OR-Tools, 60 s limit): the table's "
                    + "interactions between layers too (with --metric clado); any budgets", List.of(), true,
                    IqpAllocator::new)
            .add("genetic", "BRECQ's genetic algorithm (seeded) over the options, scored with the table's "
                    + "interactions (with --metric brecq-block: blocks as measured); any budgets; not proven optimal",
                    List.of(), true, GeneticAllocator::new)
            .add("haq", "HAQ's reinforcement-learning agent (DDPG, seeded): per layer an action for the weight and one "
                    + "for the activation bits, the budget enforced from the last layer back, rewarded by the measured "
                    + "accuracy on held-back calibration data (--episodes); any budgets, e.g. --latency-fraction",
                    List.of(), false, HaqAllocator::new);

    public static Allocator byName(String name) {
        return REGISTRY.create(name);
    }

    /** Whether the named allocator measures candidate allocations itself (and so needs no sensitivities). */
    public static boolean measures(String name) {
        return byName(name) instanceof MeasuringAllocator;
    }

    /** The named allocator with the agent's settings where it is HAQ's. */
    public static Allocator byName(String name, HaqAllocator.Settings haq) {
        return name.equals("haq") ? new HaqAllocator(haq) : byName(name);
    }
}

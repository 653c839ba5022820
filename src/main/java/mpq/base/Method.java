package mpq.base;

import java.util.List;

/**
 * What the registries say of a method: its kind (what it plugs into), the name commands call it by, one line for
 * people, what it needs to run, and whether it is quick (minutes on a small CIFAR ResNet on two cores) — slow
 * methods run in comparisons only when asked for.
 */
public record Method(Kind kind, String name, String description, List<Need> needs, boolean quick) {
    public Method {
        needs = List.copyOf(needs);
    }

    /** The kinds of methods, each with its own registry. */
    public enum Kind {
        METRIC("sensitivity metric", "--metric"),
        ALLOCATOR("allocator", "--allocator"),
        REFINER("refiner", "--refine"),
        REPRESENTATION("representation", "(how values are stored)"),
        COST_MODEL("cost model", "(budget options)");

        public final String label;
        public final String option;

        Kind(String label, String option) {
            this.label = label;
            this.option = option;
        }
    }

    /** What a method cannot do without. */
    public enum Need {
        LABELS("labelled calibration data (a task loss)"),
        ONE_BUDGET("exactly one budget"),
        COST_TABLE("a cost table measured on the target (--cost-table)");

        public final String description;

        Need(String description) {
            this.description = description;
        }
    }

    public boolean needs(Need n) {
        return needs.contains(n);
    }
}

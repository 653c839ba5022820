package mpq.search;

import mpq.base.BadInputException;

/** No allocation meets a budget: says which resource and the smallest total it can reach. */
public final class InfeasibleBudgetException extends BadInputException {
    private final String resource;
    private final double smallest;

    public InfeasibleBudgetException(String resource, double budget, double smallest) {
        super("the " + resource + " budget " + format(budget) + " cannot be met; the smallest feasible " + resource
                + " is " + format(smallest));
        this.resource = resource;
        this.smallest = smallest;
    }

    public String resource() {
        return resource;
    }

    public double smallest() {
        return smallest;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format("%,d", (long) v) : String.format("%.6g", v);
    }
}

package mpq.search;

/**
 * A solution: the option chosen per layer, the total sensitivity (with the problem's interactions, where it has
 * them), the total cost per resource, and how far from proven optimal it may be (relative gap; 0 when proven).
 */
public record Allocation(int[] choice, double sensitivity, double[] cost, double gap) {
    public Allocation {
        choice = choice.clone();
        cost = cost.clone();
    }

    public Allocation(int[] choice, double sensitivity, double[] cost) {
        this(choice, sensitivity, cost, 0);
    }

    /** The allocation's totals for a choice per layer. */
    public static Allocation of(AllocationProblem p, int[] choice) {
        double s = 0;
        double[] c = new double[p.resources().size()];
        for (int l = 0; l < choice.length; l++) {
            LayerOptions o = p.layers().get(l);
            s += o.sensitivity()[choice[l]];
            for (int r = 0; r < c.length; r++) {
                c[r] += o.cost()[r][choice[l]];
            }
        }
        if (p.interactions() != null) {
            for (int l = 0; l < choice.length; l++) {
                for (int m = l + 1; m < choice.length; m++) {
                    s += p.interactions()[p.index(l, choice[l])][p.index(m, choice[m])];
                }
            }
        }
        return new Allocation(choice, s, c);
    }

    /** The same solution with a gap. */
    public Allocation withGap(double g) {
        return new Allocation(choice, sensitivity, cost, g);
    }
}

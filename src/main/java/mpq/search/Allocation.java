package mpq.search;

/** A solution: the option chosen per layer, the total sensitivity, and the total cost per resource. */
public record Allocation(int[] choice, double sensitivity, double[] cost) {
    public Allocation {
        choice = choice.clone();
        cost = cost.clone();
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
        return new Allocation(choice, s, c);
    }
}

package mpq.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Layers with their options, the resources costs are counted in (e.g. "size bits", "BOPs"), a budget per resource
 * (infinite: unconstrained), and groups of layers tied to the same option (e.g. the inputs of one Add).
 */
public record AllocationProblem(List<LayerOptions> layers, List<String> resources, double[] budgets,
                                List<int[]> ties) {
    public AllocationProblem {
        layers = List.copyOf(layers);
        resources = List.copyOf(resources);
        budgets = budgets.clone();
        ties = ties.stream().map(int[]::clone).toList();
        if (budgets.length != resources.size()) {
            throw new IllegalArgumentException("one budget per resource");
        }
        for (LayerOptions l : layers) {
            if (l.cost().length != resources.size()) {
                throw new IllegalArgumentException(l.name() + ": one cost row per resource");
            }
        }
        for (int[] t : ties) {
            for (int l : t) {
                if (!Arrays.equals(layers.get(l).bits(), layers.get(t[0]).bits())) {
                    throw new IllegalArgumentException("tied layers " + layers.get(t[0]).name() + " and "
                            + layers.get(l).name() + " must have the same options");
                }
            }
        }
    }

    /** Refuses budgets no allocation can meet, naming the smallest feasible total of the first such resource. */
    public void requireFeasible() {
        for (int r = 0; r < resources.size(); r++) {
            double min = 0;
            for (LayerOptions l : layers) {
                min += Arrays.stream(l.cost()[r]).min().orElse(0);
            }
            if (min > budgets[r]) {
                throw new InfeasibleBudgetException(resources.get(r), budgets[r], min);
            }
        }
    }

    /**
     * The problem with every tie group merged into one layer (sensitivities and costs summed per option) and a map
     * from merged layers back to the original ones.
     */
    Merged merged() {
        int n = layers.size();
        int[] groupOf = new int[n];
        Arrays.fill(groupOf, -1);
        for (int g = 0; g < ties.size(); g++) {
            for (int l : ties.get(g)) {
                groupOf[l] = g;
            }
        }
        List<LayerOptions> out = new ArrayList<>();
        List<int[]> members = new ArrayList<>();
        boolean[] done = new boolean[n];
        for (int l = 0; l < n; l++) {
            if (done[l]) {
                continue;
            }
            int[] group = groupOf[l] < 0 ? new int[] {l} : ties.get(groupOf[l]);
            LayerOptions first = layers.get(group[0]);
            double[] sens = new double[first.options()];
            double[][] cost = new double[resources.size()][first.options()];
            for (int m : group) {
                done[m] = true;
                LayerOptions o = layers.get(m);
                for (int k = 0; k < sens.length; k++) {
                    sens[k] += o.sensitivity()[k];
                    for (int r = 0; r < cost.length; r++) {
                        cost[r][k] += o.cost()[r][k];
                    }
                }
            }
            out.add(new LayerOptions(first.name(), first.bits(), sens, cost));
            members.add(group);
        }
        return new Merged(new AllocationProblem(out, resources, budgets, List.of()), members);
    }

    /** A merged problem and, per merged layer, the original layers it stands for. */
    record Merged(AllocationProblem problem, List<int[]> members) {
        /** The original problem's allocation for a choice on the merged problem. */
        Allocation expand(AllocationProblem original, int[] mergedChoice) {
            int[] choice = new int[original.layers().size()];
            for (int m = 0; m < members.size(); m++) {
                for (int l : members.get(m)) {
                    choice[l] = mergedChoice[m];
                }
            }
            return Allocation.of(original, choice);
        }
    }
}

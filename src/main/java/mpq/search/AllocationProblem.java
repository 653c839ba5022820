package mpq.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mpq.base.BadInputException;

/**
 * Layers with their (w, a) options, the resources costs are counted in (e.g. "size bits", "BOPs"), a budget per
 * resource (infinite: unconstrained), groups of layers tied to the same option (e.g. the inputs of one Add), and
 * groups of layers that read one activation and so must take the same activation bits.
 *
 * @param interactions what two layers' options add together beyond their sensitivities, indexed by
 *                     {@link #index}(layer, option), symmetric; null: layers independent. Only the quadratic
 *                     allocator reads them; the others solve the problem without them (CLADO's diagonal mode).
 */
public record AllocationProblem(List<LayerOptions> layers, List<String> resources, double[] budgets,
                                List<int[]> ties, List<int[]> sharedInputs, double[][] interactions) {
    public AllocationProblem(List<LayerOptions> layers, List<String> resources, double[] budgets, List<int[]> ties,
                             List<int[]> sharedInputs) {
        this(layers, resources, budgets, ties, sharedInputs, null);
    }

    /** The row of layer l's option k in {@link #interactions}: the options of all earlier layers, then k. */
    public int index(int l, int k) {
        int i = 0;
        for (int m = 0; m < l; m++) {
            i += layers.get(m).options();
        }
        return i + k;
    }

    /** The most options one merged group of tied or input-sharing layers may have. */
    static final int MAX_COMBINED_OPTIONS = 100_000;

    public AllocationProblem {
        layers = List.copyOf(layers);
        resources = List.copyOf(resources);
        budgets = budgets.clone();
        ties = ties.stream().map(int[]::clone).toList();
        sharedInputs = sharedInputs.stream().map(int[]::clone).toList();
        if (interactions != null) {
            int n = layers.stream().mapToInt(LayerOptions::options).sum();
            if (interactions.length != n || java.util.Arrays.stream(interactions).anyMatch(r -> r.length != n)) {
                throw new IllegalArgumentException("interactions: one row and column per layer option, " + n);
            }
        }
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
                if (!layers.get(l).cells().equals(layers.get(t[0]).cells())) {
                    throw new IllegalArgumentException("tied layers " + layers.get(t[0]).name() + " and "
                            + layers.get(l).name() + " must have the same options");
                }
            }
        }
    }

    /** A problem without ties or shared inputs. */
    public AllocationProblem(List<LayerOptions> layers, List<String> resources, double[] budgets) {
        this(layers, resources, budgets, List.of(), List.of());
    }

    /** Refuses budgets no allocation can meet, naming the smallest feasible total of the first such resource. */
    public void requireFeasible() {
        Merged m = merged();
        for (int r = 0; r < resources.size(); r++) {
            double min = 0;
            for (LayerOptions l : m.problem().layers()) {
                min += Arrays.stream(l.cost()[r]).min().orElse(0);
            }
            if (min > budgets[r]) {
                throw new InfeasibleBudgetException(resources.get(r), budgets[r], min);
            }
        }
    }

    /**
     * The problem with every group of tied or input-sharing layers merged into one layer whose options are the
     * group's consistent combinations (sensitivities and costs summed), so that allocators only see independent
     * layers; and the map from merged choices back to the original layers.
     */
    Merged merged() {
        List<int[]> links = new ArrayList<>(ties);
        links.addAll(sharedInputs);
        List<LayerOptions> out = new ArrayList<>();
        List<int[]> members = new ArrayList<>();
        List<int[][]> combos = new ArrayList<>();
        for (int[] g : Components.of(layers.size(), links)) {
            int[][] c = combinations(g);
            double[] sens = new double[c.length];
            double[][] cost = new double[resources.size()][c.length];
            List<mpq.quant.Bits> cells = new ArrayList<>();
            for (int k = 0; k < c.length; k++) {
                for (int i = 0; i < g.length; i++) {
                    LayerOptions o = layers.get(g[i]);
                    sens[k] += o.sensitivity()[c[k][i]];
                    for (int r = 0; r < cost.length; r++) {
                        cost[r][k] += o.cost()[r][c[k][i]];
                    }
                }
                cells.add(layers.get(g[0]).cells().get(c[k][0]));
            }
            out.add(new LayerOptions(layers.get(g[0]).name(), cells, sens, cost));
            members.add(g);
            combos.add(c);
        }
        return new Merged(new AllocationProblem(out, resources, budgets), members, combos);
    }

    /**
     * The options of a group's members that satisfy its constraints: tied members take the same option, members
     * reading one activation the same activation bits. One row per combination, one column per member.
     */
    private int[][] combinations(int[] group) {
        List<int[]> found = new ArrayList<>();
        extend(group, new int[group.length], 0, found);
        return found.toArray(int[][]::new);
    }

    private void extend(int[] group, int[] pick, int i, List<int[]> found) {
        if (i == group.length) {
            if (found.size() == MAX_COMBINED_OPTIONS) {
                throw new BadInputException("the layers " + Arrays.stream(group).mapToObj(l -> layers.get(l).name())
                        .toList() + " are tied or share inputs in more than " + MAX_COMBINED_OPTIONS + " combinations "
                        + "of bit-widths; allow fewer bit-widths or tie them (--tie)");
            }
            found.add(pick.clone());
            return;
        }
        LayerOptions o = layers.get(group[i]);
        for (int k = 0; k < o.options(); k++) {
            if (consistent(group, pick, i, k)) {
                pick[i] = k;
                extend(group, pick, i + 1, found);
            }
        }
    }

    /** Whether member i may take option k given members 0..i−1. */
    private boolean consistent(int[] group, int[] pick, int i, int k) {
        for (int j = 0; j < i; j++) {
            if (together(ties, group[i], group[j]) && pick[j] != k) {
                return false;
            }
            if (together(sharedInputs, group[i], group[j])
                    && layers.get(group[j]).cells().get(pick[j]).a() != layers.get(group[i]).cells().get(k).a()) {
                return false;
            }
        }
        return true;
    }

    private static boolean together(List<int[]> groups, int a, int b) {
        for (int[] g : groups) {
            boolean hasA = false, hasB = false;
            for (int l : g) {
                hasA |= l == a;
                hasB |= l == b;
            }
            if (hasA && hasB) {
                return true;
            }
        }
        return false;
    }

    /** A merged problem and, per merged layer, the original layers it stands for and their option per combination. */
    record Merged(AllocationProblem problem, List<int[]> members, List<int[][]> combinations) {
        /** The original problem's allocation for a choice on the merged problem. */
        Allocation expand(AllocationProblem original, int[] mergedChoice) {
            int[] choice = new int[original.layers().size()];
            for (int m = 0; m < members.size(); m++) {
                int[] combo = combinations.get(m)[mergedChoice[m]];
                for (int i = 0; i < members.get(m).length; i++) {
                    choice[members.get(m)[i]] = combo[i];
                }
            }
            return Allocation.of(original, choice);
        }
    }
}

package mpq.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.hardware.Budget;
import mpq.hardware.LayerShape;
import mpq.quant.Bits;
import mpq.sensitivity.SensitivityTable;

/** Builds the allocation problem from a sensitivity table, the layers' shapes and the budgets. */
public final class Problems {
    private Problems() {}

    /**
     * One option per (w, a) cell of the table (fixed layers: only {@code fixedCell}, in the table or not),
     * sensitivity from the table, each budget's cost model applied at the cell. Tie groups that share a layer are
     * merged into one; a group with a fixed layer is fixed as a whole. sharedInputs are groups of layers that read one
     * activation (see {@code QuantTargets.sharedInputGroups}): they get the same activation bits.
     */
    public static AllocationProblem build(SensitivityTable table, List<LayerShape> shapes, Set<String> fixed,
                                          Bits fixedCell, boolean perChannel, List<Budget> budgets,
                                          List<Set<String>> ties, List<Set<String>> sharedInputs) {
        List<int[]> groups = disjointGroups(table.layers(), ties);
        fixed = new java.util.HashSet<>(fixed);
        for (int[] g : groups) {
            boolean anyFixed = false;
            for (int l : g) {
                anyFixed |= fixed.contains(table.layers().get(l));
            }
            if (anyFixed) {
                for (int l : g) {
                    fixed.add(table.layers().get(l));
                }
            }
        }
        List<LayerOptions> layers = new ArrayList<>();
        for (int l = 0; l < table.layers().size(); l++) {
            String name = table.layers().get(l);
            LayerShape shape = shapes.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no shape for layer " + name));
            List<Bits> cells;
            double[] sens;
            if (fixed.contains(name)) {
                // A fixed layer's sensitivity is the same in every allocation: 0 where the table has no such cell.
                int k = table.indexOf(fixedCell);
                cells = List.of(fixedCell);
                sens = new double[] {k < 0 ? 0 : table.value(l, k)};
            } else {
                cells = table.cells();
                sens = new double[cells.size()];
                for (int k = 0; k < cells.size(); k++) {
                    sens[k] = table.value(l, k);
                }
            }
            double[][] cost = new double[budgets.size()][cells.size()];
            for (int i = 0; i < cells.size(); i++) {
                for (int r = 0; r < budgets.size(); r++) {
                    cost[r][i] = budgets.get(r).model().cost(shape, cells.get(i).w(), cells.get(i).a(), perChannel);
                }
            }
            layers.add(new LayerOptions(name, cells, sens, cost));
        }
        List<String> resources = budgets.stream().map(b -> b.model().resource()).toList();
        double[] limits = budgets.stream().mapToDouble(Budget::limit).toArray();
        return new AllocationProblem(layers, resources, limits, groups, disjointGroups(table.layers(), sharedInputs),
                interactions(table, layers, fixedCell, fixed));
    }

    /** The table's interactions over the problem's options (a fixed layer's one option is the fixed cell). */
    private static double[][] interactions(SensitivityTable table, List<LayerOptions> layers, Bits fixedCell,
                                           Set<String> fixed) {
        if (table.interactions() == null) {
            return null;
        }
        List<int[]> options = new ArrayList<>();   // (layer, table cell or −1) per problem option
        for (int l = 0; l < layers.size(); l++) {
            if (fixed.contains(table.layers().get(l))) {
                options.add(new int[] {l, table.indexOf(fixedCell)});
            } else {
                for (int k = 0; k < table.cells().size(); k++) {
                    options.add(new int[] {l, k});
                }
            }
        }
        double[][] out = new double[options.size()][options.size()];
        for (int a = 0; a < out.length; a++) {
            for (int b = 0; b < out.length; b++) {
                int[] x = options.get(a), y = options.get(b);
                out[a][b] = x[1] < 0 || y[1] < 0 || x[0] == y[0] ? 0 : table.interaction(x[0], x[1], y[0], y[1]);
            }
        }
        return out;
    }

    /** The ties as index groups, overlapping groups united, singletons dropped. */
    static List<int[]> disjointGroups(List<String> layers, List<Set<String>> ties) {
        List<int[]> groups = new ArrayList<>();
        for (Set<String> tie : ties) {
            int[] g = new int[tie.size()];
            int i = 0;
            for (String name : tie) {
                g[i] = layers.indexOf(name);
                if (g[i++] < 0) {
                    throw new BadInputException("tied layer '" + name + "' is not a quantizable layer; known: "
                            + String.join(", ", layers));
                }
            }
            groups.add(g);
        }
        return Components.of(layers.size(), groups).stream().filter(c -> c.length > 1).toList();
    }
}

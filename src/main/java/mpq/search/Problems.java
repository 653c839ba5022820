package mpq.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.hardware.Budget;
import mpq.hardware.LayerShape;
import mpq.sensitivity.SensitivityTable;

/** Builds the allocation problem from a sensitivity table, the layers' shapes and the budgets. */
public final class Problems {
    private Problems() {}

    /**
     * One option per allowed bit-width (fixed layers: only {@code fixedBits}, allowed or not), sensitivity from the
     * table, each budget's cost model applied at (b, actBits). Tie groups that share a layer are merged into one; a
     * group with a fixed layer is fixed as a whole.
     */
    public static AllocationProblem build(SensitivityTable table, List<LayerShape> shapes, Set<String> fixed,
                                          int fixedBits, int actBits, boolean perChannel, List<Budget> budgets,
                                          List<Set<String>> ties) {
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
            int[] bits;
            double[] sens;
            if (fixed.contains(name)) {
                // A fixed layer's sensitivity is the same in every allocation: 0 where the table has no such column.
                int k = indexOf(table.bits(), fixedBits);
                bits = new int[] {fixedBits};
                sens = new double[] {k < 0 ? 0 : table.value(l, k)};
            } else {
                bits = table.bits().clone();
                sens = new double[bits.length];
                for (int k = 0; k < bits.length; k++) {
                    sens[k] = table.value(l, k);
                }
            }
            double[][] cost = new double[budgets.size()][bits.length];
            for (int i = 0; i < bits.length; i++) {
                for (int r = 0; r < budgets.size(); r++) {
                    cost[r][i] = budgets.get(r).model().cost(shape, bits[i], actBits, perChannel);
                }
            }
            layers.add(new LayerOptions(name, bits, sens, cost));
        }
        List<String> resources = budgets.stream().map(b -> b.model().resource()).toList();
        double[] limits = budgets.stream().mapToDouble(Budget::limit).toArray();
        return new AllocationProblem(layers, resources, limits, groups);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** The ties as index groups, overlapping groups united (union–find), singletons dropped. */
    static List<int[]> disjointGroups(List<String> layers, List<Set<String>> ties) {
        int[] parent = new int[layers.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (Set<String> tie : ties) {
            int first = -1;
            for (String name : tie) {
                int l = layers.indexOf(name);
                if (l < 0) {
                    throw new BadInputException("tied layer '" + name + "' is not a quantizable layer; known: "
                            + String.join(", ", layers));
                }
                if (first < 0) {
                    first = l;
                } else {
                    parent[root(parent, l)] = root(parent, first);
                }
            }
        }
        java.util.Map<Integer, List<Integer>> byRoot = new java.util.LinkedHashMap<>();
        for (int l = 0; l < parent.length; l++) {
            byRoot.computeIfAbsent(root(parent, l), k -> new ArrayList<>()).add(l);
        }
        List<int[]> groups = new ArrayList<>();
        for (List<Integer> g : byRoot.values()) {
            if (g.size() > 1) {
                groups.add(g.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return groups;
    }

    private static int root(int[] parent, int l) {
        while (parent[l] != l) {
            parent[l] = parent[parent[l]];
            l = parent[l];
        }
        return l;
    }
}

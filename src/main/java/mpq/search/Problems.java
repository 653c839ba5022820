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
     * One option per allowed bit-width (fixed layers: only {@code fixedBits}), sensitivity from the table, each
     * budget's cost model applied at (b, actBits).
     */
    public static AllocationProblem build(SensitivityTable table, List<LayerShape> shapes, Set<String> fixed,
                                          int fixedBits, int actBits, boolean perChannel, List<Budget> budgets) {
        List<LayerOptions> layers = new ArrayList<>();
        for (int l = 0; l < table.layers().size(); l++) {
            String name = table.layers().get(l);
            LayerShape shape = shapes.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no shape for layer " + name));
            List<Integer> options = new ArrayList<>();
            for (int k = 0; k < table.bits().length; k++) {
                if (!fixed.contains(name) || table.bits()[k] == fixedBits) {
                    options.add(k);
                }
            }
            if (options.isEmpty()) {
                throw new BadInputException("layer " + name + " must stay at " + fixedBits + " bits, which is not among "
                        + "the allowed bit-widths " + java.util.Arrays.toString(table.bits()));
            }
            int[] bits = new int[options.size()];
            double[] sens = new double[options.size()];
            double[][] cost = new double[budgets.size()][options.size()];
            for (int i = 0; i < options.size(); i++) {
                int k = options.get(i);
                bits[i] = table.bits()[k];
                sens[i] = table.value(l, k);
                for (int r = 0; r < budgets.size(); r++) {
                    cost[r][i] = budgets.get(r).model().cost(shape, bits[i], actBits, perChannel);
                }
            }
            layers.add(new LayerOptions(name, bits, sens, cost));
        }
        List<String> resources = budgets.stream().map(b -> b.model().resource()).toList();
        double[] limits = budgets.stream().mapToDouble(Budget::limit).toArray();
        return new AllocationProblem(layers, resources, limits, List.of());
    }
}

package mpq.hardware;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import mpq.base.BadInputException;
import mpq.base.Method;
import mpq.base.Method.Need;
import mpq.base.Registry;

/**
 * The cost models by name, each made from an optional cost-table file (only the measured table needs one). The
 * budget options of search and compare-methods name them: --size / --size-of-uniform → size, --avg-w-bits →
 * weight-bits, --bops → bops, --latency with --cost-table → table.
 */
public final class CostModels {
    private CostModels() {}

    public static final Registry<Function<Path, CostModel>> REGISTRY =
            new Registry<Function<Path, CostModel>>(Method.Kind.COST_MODEL)
                    .add("size", "weight memory: packed weights plus a float32 scale and a zero point per channel",
                            List.of(), true, () -> table -> new SizeCost())
                    .add("weight-bits", "weight bits without overhead (parameters × bits): average-bits budgets",
                            List.of(), true, () -> table -> new WeightBitsCost())
                    .add("bops", "bit operations: multiply-accumulates per example × weight bits × activation bits",
                            List.of(), true, () -> table -> new BopsCost())
                    .add("table", "latency or energy measured on the target, per layer or op type and (w, a), "
                            + "from a JSON table", List.of(Need.COST_TABLE), true, () -> CostModels::table);

    private static CostModel table(Path file) {
        if (file == null) {
            throw new BadInputException("the table cost model needs a measured cost table (--cost-table FILE)");
        }
        return new TableCost(file);
    }
}

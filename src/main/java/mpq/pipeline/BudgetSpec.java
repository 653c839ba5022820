package mpq.pipeline;

/** A budget as a user states it; {@link Budgets#resolve} turns it into a limit on a cost model for one model. */
public sealed interface BudgetSpec {
    /** Average weight bits over the layers' weights. */
    record AvgWeightBits(double bits) implements BudgetSpec {}

    /** All parameters' bytes, as quantize reports them. */
    record Size(long bytes) implements BudgetSpec {}

    /** The size of uniform B-bit weights, the first and last layers at 8 bits. */
    record SizeOfUniform(int bits) implements BudgetSpec {}

    /** Giga bit-operations per example. */
    record Bops(double giga) implements BudgetSpec {}

    /**
     * A total latency or energy under a cost model: an accelerator by name, an accelerator spec or a measured cost
     * table (a file); the limit in the model's units, or, as a fraction, that fraction of uniform W8A8's cost.
     *
     * @param costModel a name of {@code CostModels.REGISTRY} or a file
     * @param resource  "latency" or "energy"
     */
    record Hardware(String costModel, String resource, double limit, boolean fraction) implements BudgetSpec {
        public Hardware {
            if (!(limit > 0) || fraction && limit > 1e6) {
                throw new mpq.base.BadInputException("the " + resource + (fraction ? " fraction" : " budget")
                        + " must be positive, got " + limit);
            }
            mpq.hardware.CostModels.forResource(costModel, resource);   // a bad name or file fails before any work
        }
    }
}

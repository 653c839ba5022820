package mpq.pipeline;

import java.nio.file.Path;

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

    /** The total of a measured cost table's resource (latency, energy). */
    record Measured(Path table, double limit) implements BudgetSpec {}
}

package mpq.search;

import java.util.List;
import java.util.function.ToDoubleFunction;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.hardware.LayerShape;

/**
 * An allocator that chooses by measuring candidate allocations (their accuracy on held-back data) rather than by the
 * sensitivity table alone: HAQ's agent. The search hands it the layers' shapes (for its state) and the measurement.
 */
public interface MeasuringAllocator extends Allocator {
    /**
     * @param shapes   the problem's layers' shapes, in the problem's order
     * @param accuracy top-1 in percent (or agreement with the float model) of a candidate allocation
     */
    Allocation solve(AllocationProblem problem, List<LayerShape> shapes, ToDoubleFunction<Allocation> accuracy,
                     Progress progress);

    @Override
    default Allocation solve(AllocationProblem problem) {
        throw new BadInputException("the " + name() + " allocator measures candidate allocations on calibration data: "
                + "run it through mpq search or MixedPrecisionSearch");
    }
}

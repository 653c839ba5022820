package mpq.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.hardware.Budget;
import mpq.quant.Bits;
import mpq.quant.PostTrainingQuantizer;
import mpq.search.Allocation;
import mpq.search.AllocationProblem;

/**
 * One allocation of a sensitivity table within budgets, and the model quantized with it.
 *
 * @param bits        per layer, in graph order, the (w, a) it got
 * @param ties        the groups of layers tied to the same bits (as asked for, before merging)
 * @param weightBytes the quantized weights' bytes (as quantize reports them)
 * @param bops        bit operations per example at the chosen bits
 */
public record Allocated(List<Budget> budgets, AllocationProblem problem, Allocation allocation, Map<String, Bits> bits,
                        List<Set<String>> ties, PostTrainingQuantizer.Result quantization, long weightBytes,
                        double bops) {}

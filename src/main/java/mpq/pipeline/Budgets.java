package mpq.pipeline;

import java.util.ArrayList;
import java.util.List;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.hardware.Budget;
import mpq.hardware.BopsCost;
import mpq.hardware.SizeCost;
import mpq.hardware.CostModel;
import mpq.hardware.CostModels;
import mpq.hardware.LayerShape;
import mpq.hardware.WeightBitsCost;
import mpq.quant.IntGrid;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.QuantRecipe;
import mpq.quant.WeightLayer;
import mpq.quant.WeightSize;
import mpq.search.InfeasibleBudgetException;

/** Budgets as users state them, turned into limits on cost models for one calibrated model. */
public final class Budgets {
    private Budgets() {}

    public static List<Budget> resolve(PostTrainingQuantizer.Calibrated cal, QuantConfig base, List<BudgetSpec> specs,
                                       int[] actBits, int threads) {
        if (specs.isEmpty()) {
            throw new BadInputException("give a budget: --avg-w-bits, --size, --size-of-uniform, --bops, --latency(-fraction) or --energy(-fraction)");
        }
        List<Budget> out = new ArrayList<>();
        for (BudgetSpec s : specs) {
            out.add(resolve(cal, base, s, actBits, threads));
        }
        return out;
    }

    /**
     * One budget. Sizes count the weights of the quantized layers on the size model and every other parameter at 32
     * bits, as quantize reports them; the size of uniform B-bit weights is that of the model quantized so (first and
     * last layers at 8 bits, the widest of actBits as activations, since the target may narrow weights by it).
     */
    public static Budget resolve(PostTrainingQuantizer.Calibrated cal, QuantConfig base, BudgetSpec spec, int[] actBits,
                                 int threads) {
        return switch (spec) {
            case BudgetSpec.AvgWeightBits b -> new Budget(new WeightBitsCost(), b.bits() * layerParams(cal));
            case BudgetSpec.Size b -> new Budget(new SizeCost(base.multipoint()), 8.0 * b.bytes() - otherBits(cal));
            case BudgetSpec.SizeOfUniform b -> {
                IntGrid.checkBits(b.bits(), "--size-of-uniform");
                int a = java.util.Arrays.stream(actBits).max().orElse(8);
                QuantConfig u = base.withDefaults(base.defaults().withBits(b.bits(), a)).withKeepFirstLast(true)
                        .withRefiners(List.of()).withMultipoint(0);   // the plain uniform size: extra points count against it
                QuantRecipe r = PostTrainingQuantizer.quantize(cal, u, threads, Progress.NONE).recipe();
                yield new Budget(new SizeCost(base.multipoint()), 8.0 * WeightSize.bytes(cal.floatGraph(), r)
                        - otherBits(cal));
            }
            case BudgetSpec.Bops b -> new Budget(new BopsCost(), b.giga() * 1e9);
            case BudgetSpec.Hardware b -> {
                List<LayerShape> shapes = LayerShape.of(cal.floatGraph());
                CostModel model = CostModels.forResource(b.costModel(), b.resource(),
                        shapes.stream().map(LayerShape::name).toList());
                yield new Budget(model, b.fraction() ? b.limit() * uniformW8A8(shapes, model, base) : b.limit());
            }
        };
    }

    /** The cost of every layer at 8-bit weights and 8-bit activations: what --latency-fraction 1 allows. */
    public static double uniformW8A8(List<LayerShape> shapes, CostModel model, QuantConfig base) {
        double sum = 0;
        for (LayerShape shape : shapes) {
            sum += model.cost(shape, 8, 8, base.defaults().perChannel());
        }
        return sum;
    }

    /**
     * The same, where latency and energy also say the smallest feasible fraction of uniform W8A8 under their cost
     * model (e.g. in ONNX Runtime fewer weight bits need not be faster).
     */
    public static String inUserUnits(InfeasibleBudgetException e, PostTrainingQuantizer.Calibrated cal,
                                     List<Budget> budgets, QuantConfig base) {
        for (Budget b : budgets) {
            if (b.model().resource().equals(e.resource()) && (b.model().resource().equals("latency")
                    || b.model().resource().equals("energy"))) {
                double full = uniformW8A8(LayerShape.of(cal.floatGraph()), b.model(), base);
                return String.format("the %s budget %.6g %s cannot be met; the smallest feasible is %.6g %s, "
                        + "%.4f × uniform W8A8 (--%s-fraction)", e.resource(), b.limit(), b.model().unit(),
                        e.smallest(), b.model().unit(), e.smallest() / full, e.resource());
            }
        }
        return inUserUnits(e, cal);
    }

    /** An infeasible budget's message in the units of the option the user gave. */
    public static String inUserUnits(InfeasibleBudgetException e, PostTrainingQuantizer.Calibrated cal) {
        return switch (e.resource()) {
            case "size" -> String.format("the size budget cannot be met; the smallest feasible size is %,d bytes",
                    (long) Math.ceil((e.smallest() + otherBits(cal)) / 8));
            case "weight bits" -> String.format("the average-bits budget cannot be met; the smallest feasible "
                    + "--avg-w-bits is %.4f", e.smallest() / layerParams(cal));
            case "bops" -> String.format("the BOPs budget cannot be met; the smallest feasible --bops is %.6g",
                    e.smallest() / 1e9);
            default -> e.getMessage();
        };
    }

    static long layerParams(PostTrainingQuantizer.Calibrated cal) {
        long n = 0;
        for (WeightLayer l : cal.targets().layers()) {
            n += cal.floatGraph().weight(l.weight()).size();
        }
        return n;
    }

    /** Parameters outside the quantized weights (biases, …) count 32 bits each in the size, whatever the bits. */
    static long otherBits(PostTrainingQuantizer.Calibrated cal) {
        return 8 * WeightSize.float32Bytes(cal.floatGraph()) - 32 * layerParams(cal);
    }
}

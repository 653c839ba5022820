package mpq.graph.op;

import mpq.tensor.DType;
import mpq.tensor.Tensor;

/** How the Scatter ops combine an update with the element it lands on: none (replace), add, mul, max, min. */
final class Reductions {
    private Reductions() {}

    static void combine(String reduction, Tensor updates, int u, Tensor y, int t) {
        if (reduction.equals("none")) {
            updates.copyElement(u, y, t);
            return;
        }
        if (y.isFloat()) {
            float a = y.data()[t], b = updates.data()[u];
            y.data()[t] = switch (reduction) {
                case "add" -> a + b;
                case "mul" -> a * b;
                case "max" -> Math.max(a, b);
                case "min" -> Math.min(a, b);
                default -> throw new IllegalArgumentException("unknown reduction '" + reduction + "'");
            };
        } else {
            long a = y.ints()[t], b = updates.ints()[u];
            boolean unsigned = y.type() == DType.UINT64;
            y.ints()[t] = y.type().wrap(switch (reduction) {
                case "add" -> a + b;
                case "mul" -> a * b;
                case "max" -> (unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) >= 0 ? a : b;
                case "min" -> (unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) <= 0 ? a : b;
                default -> throw new IllegalArgumentException("unknown reduction '" + reduction + "'");
            });
        }
    }
}

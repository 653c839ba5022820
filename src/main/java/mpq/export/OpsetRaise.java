package mpq.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.quant.Names;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * Raises a graph's opset for the export (per-axis QDQ needs 13, int4 21), keeping what every node means: ops whose
 * definition changed only by new types pass as they are; Unsqueeze, Squeeze and ReduceSum (13) and the other
 * reductions (18) get their axes as an input when raised past the opset that moved them there;
 * a Softmax or LogSoftmax below 13 (which flattened the input to 2-D at its axis) becomes Flatten → Softmax →
 * Reshape back; anything else is refused, naming the node.
 */
final class OpsetRaise {
    private OpsetRaise() {}

    /** Ops whose meaning is the same in every opset from 11 to 21. */
    private static final Set<String> STABLE = Set.of("Conv", "Gemm", "MatMul", "Relu", "Add", "Sub", "Mul", "Div",
            "GlobalAveragePool", "AveragePool", "MaxPool", "Flatten", "Reshape", "Transpose", "Concat", "Sigmoid", "Tanh",
            "LeakyRelu", "HardSigmoid", "Gather", "Shape", "Constant", "Identity", "Cast", "Slice", "Pad", "Clip",
            "QuantizeLinear", "DequantizeLinear");

    /**
     * Ops whose definitions, by the operator changelog, change only by new types (or attributes whose defaults keep
     * the old meaning) from opset 11 up to 21.
     */
    private static final Set<String> TYPES_ONLY_FROM_11 = Set.of("Min", "Max", "Sum", "Mean", "GlobalMaxPool", "Neg",
            "Abs", "Exp", "Log", "Sqrt", "Reciprocal", "Erf", "Floor", "Ceil", "Round", "Sign", "Pow", "Softplus", "Elu",
            "Selu", "Sin", "Cos", "Where", "Equal", "Less", "Greater", "Expand", "Tile", "Range", "ConstantOfShape", "Mod");

    /** The same up to 17: the reductions took their axes as an input from 18 on. */
    private static final Set<String> TYPES_ONLY_11_TO_17 = Set.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

    /** Ops unchanged from 13 on (before 13: axes as attributes, Softmax's flattening, Split's sizes, Dropout's ratio). */
    private static final Set<String> STABLE_FROM_13 = Set.of("Softmax", "LogSoftmax", "Squeeze", "Unsqueeze", "Split",
            "Dropout", "Resize");

    static Graph raise(Graph g, int from, int to) {
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(g.initializers());
        java.util.Set<String> taken = new java.util.HashSet<>(init.keySet());
        g.nodes().forEach(n -> taken.addAll(n.outputs()));
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            String op = n.opType();
            boolean stable = STABLE.contains(op) && !(from < 11 && (op.equals("Clip") || op.equals("Pad")))
                    || from >= 11 && TYPES_ONLY_FROM_11.contains(op)
                    || from >= 11 && to <= 17 && TYPES_ONLY_11_TO_17.contains(op)
                    || from >= 13 && STABLE_FROM_13.contains(op);
            if (stable) {
                nodes.add(n);
            } else if (from >= 11 && from < axesInputSince(op) && to >= axesInputSince(op)) {
                nodes.add(axesAsInput(n, init, taken));
            } else if (from >= 11 && from < 13 && (op.equals("Softmax") || op.equals("LogSoftmax"))) {
                String flat = Names.fresh(n.output(0) + "_2d", taken), soft = Names.fresh(n.output(0) + "_2d_" + op, taken);
                String shape = Names.fresh(n.output(0) + "_shape", taken);
                long axis = n.attributes().getLong("axis", 1);
                nodes.add(new Node(n.name() + "/Flatten", "Flatten", "", List.of(n.input(0)), List.of(flat),
                        new Attributes(Map.of("axis", axis))));
                nodes.add(new Node(n.name(), op, "", List.of(flat), List.of(soft), new Attributes(Map.of("axis", 1L))));
                nodes.add(new Node(n.name() + "/Shape", "Shape", "", List.of(n.input(0)), List.of(shape), Attributes.none()));
                nodes.add(new Node(n.name() + "/Reshape", "Reshape", "", List.of(soft, shape), n.outputs(),
                        Attributes.none()));
            } else {
                throw new BadInputException("the export needs opset " + to + " (the model has " + from + "), but node "
                        + n.describe() + " may mean something else there; convert the model to opset " + to + " first"
                        + (to == QdqExport.OPSET_4BIT ? " or keep weights at 5 bits or more" : ""));
            }
        }
        return new Graph(g.name(), nodes, g.inputs(), g.outputs(), init, to);
    }

    /** The opset from which an op takes its axes as an input instead of an attribute (0: never). */
    private static int axesInputSince(String op) {
        return switch (op) {
            case "Unsqueeze", "Squeeze", "ReduceSum" -> 13;
            case "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                 "ReduceLogSumExp", "ReduceSumSquare" -> 18;
            default -> Integer.MAX_VALUE;
        };
    }

    /** The node with its axes attribute (when given) as a second input; its other attributes kept. */
    private static Node axesAsInput(Node n, Map<String, Attributes.Constant> init, Set<String> taken) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        n.attributes().names().forEach(a -> attrs.put(a, n.attributes().raw(a)));
        Object axes = attrs.remove("axes");
        if (axes == null) {
            return new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), new Attributes(attrs));
        }
        String name = Names.fresh(n.output(0) + "_axes", taken);
        long[] a = (long[]) axes;
        init.put(name, new Attributes.Constant(new Tensor(DType.INT64, new int[] {a.length}, a), DType.INT64));
        return new Node(n.name(), n.opType(), n.domain(), List.of(n.input(0), name), n.outputs(), new Attributes(attrs));
    }
}

package mpq.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * An already-quantized (QDQ) model back to the float model it stands for, so that mpq quantizes it afresh: every
 * DequantizeLinear of a constant becomes the float initializer it computes ((q − zero_point) · scale, per tensor or
 * per axis), and every QuantizeLinear whose readers are all DequantizeLinears with its scale and zero point is
 * removed with them, the readers reading the float value again. The weights keep the grids they were quantized
 * to; the activation ranges are dropped (mpq calibrates its own).
 */
public final class Dequantize {
    private Dequantize() {}

    /** How many QuantizeLinear and DequantizeLinear nodes the graph has. */
    public static int qdqNodes(Graph g) {
        int n = 0;
        for (Node node : g.nodes()) {
            n += isQ(node) || isDq(node) ? 1 : 0;
        }
        return n;
    }

    private static boolean isQ(Node n) {
        return n.opType().equals("QuantizeLinear") && (n.domain().isEmpty() || n.domain().equals("ai.onnx"));
    }

    private static boolean isDq(Node n) {
        return n.opType().equals("DequantizeLinear") && (n.domain().isEmpty() || n.domain().equals("ai.onnx"));
    }

    /** The float graph; refuses a Q/DQ arrangement it cannot undo, naming the node. */
    public static Graph toFloat(Graph g) {
        Map<String, Attributes.Constant> inits = new LinkedHashMap<>(g.initializers());
        Map<String, List<Node>> consumers = g.consumers();
        Map<String, String> renamed = new HashMap<>();   // a DQ output → the float value it stands for
        List<Node> kept = new ArrayList<>();
        java.util.Set<Node> dropped = new java.util.HashSet<>();
        for (Node n : g.nodes()) {
            if (isDq(n) && inits.containsKey(n.input(0)) && constant(g, n, 1) && (n.inputs().size() < 3
                    || n.input(2).isEmpty() || constant(g, n, 2))) {
                inits.put(n.output(0), new Attributes.Constant(dequantize(n, inits), DType.FLOAT));
                dropped.add(n);
            } else if (isQ(n)) {
                List<Node> readers = consumers.getOrDefault(n.output(0), List.of());
                boolean undoable = !readers.isEmpty() && g.outputs().stream().noneMatch(o -> o.name().equals(n.output(0)));
                for (Node r : readers) {
                    undoable &= isDq(r) && sameInput(n, r, 1) && sameInput(n, r, 2)
                            && n.attributes().getInt("axis", 1) == r.attributes().getInt("axis", 1);
                }
                if (!undoable) {
                    throw new BadInputException("QuantizeLinear node " + n.describe() + " is read by other ops than "
                            + "DequantizeLinear with its scale and zero point; mpq cannot recover the float model");
                }
                dropped.add(n);
                for (Node r : readers) {
                    dropped.add(r);
                    renamed.put(r.output(0), n.input(0));
                }
            }
        }
        for (Node n : g.nodes()) {
            if (dropped.contains(n)) {
                continue;
            }
            if (isDq(n)) {
                throw new BadInputException("DequantizeLinear node " + n.describe() + " reads a value that is neither a "
                        + "constant nor a QuantizeLinear's output; mpq cannot recover the float model");
            }
            List<String> in = new ArrayList<>();
            for (String s : n.inputs()) {
                in.add(resolve(s, renamed));
            }
            kept.add(new Node(n.name(), n.opType(), n.domain(), in, n.outputs(), n.attributes()));
        }
        for (var o : g.outputs()) {   // a graph output that was a DequantizeLinear's: an Identity keeps its name
            String src = resolve(o.name(), renamed);
            if (!src.equals(o.name())) {
                kept.add(new Node(o.name() + "_float", "Identity", "", List.of(src), List.of(o.name()),
                        new Attributes(Map.of())));
            }
        }
        Map<String, Attributes.Constant> used = new LinkedHashMap<>();
        java.util.Set<String> read = new java.util.HashSet<>();
        kept.forEach(n -> read.addAll(n.inputs()));
        inits.forEach((k, v) -> {
            if (read.contains(k)) {
                used.put(k, v);
            }
        });
        return new Graph(g.name(), kept, g.inputs(), g.outputs(), used, g.opset());
    }

    private static String resolve(String name, Map<String, String> renamed) {
        String s = name;
        while (renamed.containsKey(s)) {
            s = renamed.get(s);
        }
        return s;
    }

    private static boolean constant(Graph g, Node n, int i) {
        return i < n.inputs().size() && g.initializers().containsKey(n.input(i));
    }

    private static boolean sameInput(Node a, Node b, int i) {
        String x = i < a.inputs().size() ? a.input(i) : "", y = i < b.inputs().size() ? b.input(i) : "";
        return x.equals(y);
    }

    /** (q − zero_point) · scale of a constant, per tensor or along the node's axis. */
    private static Tensor dequantize(Node n, Map<String, Attributes.Constant> inits) {
        Tensor q = inits.get(n.input(0)).tensor();
        Tensor scale = inits.get(n.input(1)).tensor();
        Tensor zp = n.inputs().size() > 2 && !n.input(2).isEmpty() ? inits.get(n.input(2)).tensor() : null;
        int[] s = q.shape();
        int count = scale.size();
        int axis = count == 1 ? 0 : Math.floorMod(n.attributes().getInt("axis", 1), s.length);
        int inner = 1;
        for (int d = axis + 1; d < s.length; d++) {
            inner *= s[d];
        }
        float[] out = new float[q.size()];
        for (int i = 0; i < out.length; i++) {
            int c = count == 1 ? 0 : (i / inner) % count;
            float z = zp == null ? 0 : (float) zp.getDouble(c);
            out[i] = ((float) q.getDouble(i) - z) * scale.get(c);   // in float32, as DequantizeLinear computes
        }
        return new Tensor(DType.FLOAT, s, out);
    }
}

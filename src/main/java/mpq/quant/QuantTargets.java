package mpq.quant;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;

/**
 * Where a graph gets quantized, as a deployed integer model would: the weights of every {@link WeightLayer}, and
 * activations (float ones: an integer model input stays as it is) at the input of every weight layer, after every ReLU, and at the output of every Add (after the ReLU
 * that follows it, when it is the Add's only reader, as integer kernels fuse the two).
 *
 * @param layers       weight layers in graph order
 * @param edgeLayers   names of first layers (reached from a model input without another weight layer) and last
 *                     layers (reaching a model output without another weight layer)
 * @param activations  activation values to quantize, in graph order
 */
public record QuantTargets(List<WeightLayer> layers, Set<String> edgeLayers, List<Activation> activations) {
    /**
     * One activation to quantize. readers are the weight layers it flows into before it is quantized again (their
     * input bit-widths decide its own); next are the activations where it is quantized again before reaching a
     * weight layer (through pooling, reshapes, Adds), which decide its bits when it has no readers; nonNegative
     * holds when the graph guarantees values ≥ 0 (ReLU and what keeps its sign).
     */
    public record Activation(String value, List<WeightLayer> readers, List<String> next, boolean nonNegative) {}

    public static QuantTargets find(Graph g) {
        List<WeightLayer> layers = WeightLayer.find(g);
        Map<Node, WeightLayer> byNode = new LinkedHashMap<>();
        for (WeightLayer l : layers) {
            byNode.put(l.node(), l);
        }
        Map<String, List<Node>> consumers = g.consumers();
        Set<String> outputs = new HashSet<>();
        for (ValueInfo v : g.outputs()) {
            outputs.add(v.name());
        }
        Set<String> nonNegative = nonNegativeValues(g);

        Set<String> points = new java.util.LinkedHashSet<>();
        for (ValueInfo in : g.inputs()) {
            // An integer input (raw uint8 pixels, token ids) is already what an integer model reads.
            if (in.type().isFloat() && readsAsData(in.name(), consumers, byNode)) {
                points.add(in.name());
            }
        }
        for (Node n : g.nodes()) {
            WeightLayer l = byNode.get(n);
            if (l != null) {
                points.add(l.input());
            }
            String out = n.outputs().isEmpty() ? "" : n.output(0);
            if (n.opType().equals("Relu")) {
                points.add(out);
            }
        }
        points.addAll(quantizedAdds(g, consumers, byNode, outputs));
        List<Activation> acts = new ArrayList<>();
        for (ValueInfo in : g.inputs()) {
            addPoint(in.name(), points, outputs, consumers, byNode, nonNegative, acts);
        }
        for (Node n : g.nodes()) {
            for (String out : n.outputs()) {
                addPoint(out, points, outputs, consumers, byNode, nonNegative, acts);
            }
        }

        Set<String> edges = new HashSet<>();
        for (ValueInfo in : g.inputs()) {
            for (WeightLayer l : downstream(in.name(), consumers, byNode, Set.of()).layers()) {
                edges.add(l.name());
            }
        }
        for (WeightLayer l : layers) {
            if (reachesOutput(l.output(), consumers, byNode, outputs)) {
                edges.add(l.name());
            }
        }
        return new QuantTargets(List.copyOf(layers), Set.copyOf(edges), List.copyOf(acts));
    }

    private static void addPoint(String value, Set<String> points, Set<String> outputs, Map<String, List<Node>> consumers,
                                 Map<Node, WeightLayer> byNode, Set<String> nonNegative, List<Activation> acts) {
        if (points.contains(value) && !outputs.contains(value)) {
            Downstream d = downstream(value, consumers, byNode, points);
            acts.add(new Activation(value, d.layers(), d.points(), nonNegative.contains(value)));
        }
    }

    private static boolean readsAsData(String value, Map<String, List<Node>> consumers, Map<Node, WeightLayer> byNode) {
        return !downstream(value, consumers, byNode, Set.of()).layers().isEmpty();
    }

    /**
     * Groups of weight layers whose outputs meet at one Add (directly, as after BN folding): an integer kernel adds
     * them on one scale, so a deployment may want them at the same bits. Groups sharing a layer are not merged here.
     */
    public List<Set<String>> addInputGroups(Graph g) {
        Map<String, WeightLayer> byOutput = new LinkedHashMap<>();
        for (WeightLayer l : layers) {
            byOutput.put(l.output(), l);
        }
        List<Set<String>> groups = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!n.opType().equals("Add") && !n.opType().equals("Sum")) {
                continue;
            }
            Set<String> group = new java.util.LinkedHashSet<>();
            for (String in : n.inputs()) {
                WeightLayer l = byOutput.get(in);
                if (l != null) {
                    group.add(l.name());
                }
            }
            if (group.size() > 1) {
                groups.add(group);
            }
        }
        return groups;
    }

    /**
     * Groups of weight layers that read one quantized activation: its one grid gives them the same input bits, so an
     * allocation must give them the same activation bits.
     */
    public List<Set<String>> sharedInputGroups() {
        List<Set<String>> groups = new ArrayList<>();
        for (Activation a : activations) {
            if (a.readers().size() > 1) {
                Set<String> g = new java.util.LinkedHashSet<>();
                a.readers().forEach(l -> g.add(l.name()));
                groups.add(g);
            }
        }
        return groups;
    }

    public boolean isEdge(WeightLayer l) {
        return edgeLayers.contains(l.name());
    }

    /** What a value flows into: weight layers reading it as data, and stop values reached first. */
    private record Downstream(List<WeightLayer> layers, List<String> points) {}

    /**
     * Weight layers that read a value as data, directly or through ops that are neither weight layers nor produce
     * a value in stops (where the data is quantized again); and those stop values.
     */
    private static Downstream downstream(String value, Map<String, List<Node>> consumers,
                                         Map<Node, WeightLayer> byNode, Set<String> stops) {
        List<WeightLayer> found = new ArrayList<>();
        List<String> points = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(value));
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (!seen.add(v)) {
                continue;
            }
            if (!v.equals(value) && stops.contains(v)) {
                points.add(v);
                continue;
            }
            for (Node c : consumers.getOrDefault(v, List.of())) {
                WeightLayer l = byNode.get(c);
                if (l != null) {
                    if (l.input().equals(v) && !found.contains(l)) {
                        found.add(l);
                    }
                } else {
                    todo.addAll(c.outputs());
                }
            }
        }
        return new Downstream(found, points);
    }

    private static boolean reachesOutput(String value, Map<String, List<Node>> consumers, Map<Node, WeightLayer> byNode,
                                         Set<String> outputs) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(value));
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (outputs.contains(v)) {
                return true;
            }
            if (!seen.add(v)) {
                continue;
            }
            for (Node c : consumers.getOrDefault(v, List.of())) {
                if (!byNode.containsKey(c)) {
                    todo.addAll(c.outputs());
                }
            }
        }
        return false;
    }

    /** Ops whose output is ≥ 0 when their data inputs are. */
    private static final Set<String> SIGN_KEEPING = Set.of("MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Slice", "Concat",
            "Add", "Mul", "Pad", "Gather", "Relu");

    /** Readers an integer model feeds with a quantized Add output (besides weight layers and quantized Adds). */
    private static final Set<String> INTEGER_READERS = Set.of("Relu", "Clip", "MaxPool", "AveragePool",
            "GlobalAveragePool", "Concat", "Flatten", "Pad");

    /**
     * The Add outputs an integer model quantizes: those read only by weight layers, ReLU-like activations, pooling and
     * other quantized Adds (a CNN's residual joins; one read by a lone ReLU is quantized after the ReLU instead).
     * An Add read by anything else — a transformer's residual Add into LayerNorm, its attention-mask Add into
     * Softmax, the bias Adds before them — stays float, as integer runtimes keep those ops in float.
     */
    private static Set<String> quantizedAdds(Graph g, Map<String, List<Node>> consumers, Map<Node, WeightLayer> byNode,
                                             Set<String> outputs) {
        Set<String> quantized = new HashSet<>();
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {   // readers before the Adds they read
            Node n = nodes.get(i);
            if (!n.opType().equals("Add") || n.outputs().isEmpty()) {
                continue;
            }
            String out = n.output(0);
            List<Node> readers = consumers.getOrDefault(out, List.of());
            boolean reluOnly = readers.size() == 1 && readers.getFirst().opType().equals("Relu");
            boolean integer = !readers.isEmpty() && readers.stream().allMatch(r -> byNode.containsKey(r)
                    || INTEGER_READERS.contains(r.opType()) || r.opType().equals("Add") && quantized.contains(r.output(0)));
            if (!reluOnly && (integer || readers.isEmpty() && outputs.contains(out))) {
                quantized.add(out);
            }
        }
        return quantized;
    }

    /** Values the graph guarantees to be non-negative: ReLU outputs and what sign-keeping ops make of them. */
    static Set<String> nonNegativeValues(Graph g) {
        Set<String> nonNeg = new HashSet<>();
        for (Node n : g.nodes()) {
            boolean yes = switch (n.opType()) {
                case "Relu", "Sigmoid", "Softmax" -> true;
                case "Clip" -> clipMinNonNegative(n, g);
                default -> SIGN_KEEPING.contains(n.opType()) && dataInputsNonNegative(n, g, nonNeg);
            };
            if (yes) {
                nonNeg.addAll(n.outputs());
            }
        }
        return nonNeg;
    }

    private static boolean dataInputsNonNegative(Node n, Graph g, Set<String> nonNeg) {
        int data = switch (n.opType()) {
            case "Add", "Mul", "Concat" -> n.inputs().size();
            default -> 1;   // shape, pad and index inputs do not carry data
        };
        for (int i = 0; i < data; i++) {
            String in = n.input(i);
            boolean constNonNeg = g.initializers().containsKey(in) && minOf(g.weight(in)) >= 0;
            if (!nonNeg.contains(in) && !constNonNeg) {
                return false;
            }
        }
        return true;
    }

    private static boolean clipMinNonNegative(Node n, Graph g) {
        if (n.attributes().has("min")) {
            return n.attributes().getFloat("min", -1) >= 0;
        }
        String min = n.input(1);
        return !min.isEmpty() && g.initializers().containsKey(min) && g.weight(min).get(0) >= 0;
    }

    /** The smallest value of a constant of any type. */
    private static double minOf(mpq.tensor.Tensor t) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < t.size(); i++) {
            m = Math.min(m, t.getDouble(i));
        }
        return m;
    }
}

package mpq.graph;

import mpq.tensor.DType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/**
 * A computation graph: nodes in topological order, the run-time inputs, the outputs, and the constant
 * initializers (weights). Immutable; passes build a new graph.
 */
public final class Graph {
    private final String name;
    private final List<Node> nodes;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final Map<String, Attributes.Constant> initializers;
    private final int opset;

    public Graph(String name, List<Node> nodes, List<ValueInfo> inputs, List<ValueInfo> outputs,
                 Map<String, Attributes.Constant> initializers, int opset) {
        this.name = name;
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.opset = opset;
        this.nodes = List.copyOf(topologicalOrder(nodes, available(inputs, initializers.keySet())));
    }

    public String name() {
        return name;
    }

    /** Nodes in an order where every value is produced before it is used. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Run-time inputs (graph inputs that are not initializers). */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    public List<ValueInfo> outputs() {
        return outputs;
    }

    public Map<String, Attributes.Constant> initializers() {
        return initializers;
    }

    public Tensor weight(String valueName) {
        Attributes.Constant c = initializers.get(valueName);
        return c == null ? null : c.tensor();
    }

    /** Version of the default ("ai.onnx") operator set the graph was written for. */
    public int opset() {
        return opset;
    }

    /** For each value name, the nodes that read it. */
    public Map<String, List<Node>> consumers() {
        Map<String, List<Node>> m = new HashMap<>();
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    m.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        return m;
    }

    /** The node that produces each value. */
    public Map<String, Node> producers() {
        Map<String, Node> m = new HashMap<>();
        for (Node n : nodes) {
            for (String out : n.outputs()) {
                m.put(out, n);
            }
        }
        return m;
    }

    /**
     * The part of the graph that computes the given values, with them as its outputs: nodes they do not depend on
     * and initializers no remaining node reads are left out.
     */
    public Graph prefix(List<String> values) {
        Map<String, Node> producers = producers();
        Set<String> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(values);
        Set<Node> keep = new HashSet<>();
        while (!todo.isEmpty()) {
            String v = todo.poll();
            Node n = producers.get(v);
            if (needed.add(v) && n != null && keep.add(n)) {
                todo.addAll(n.inputs());
            }
        }
        List<Node> kept = nodes.stream().filter(keep::contains).toList();
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        for (Map.Entry<String, Attributes.Constant> e : initializers.entrySet()) {
            if (needed.contains(e.getKey())) {
                init.put(e.getKey(), e.getValue());
            }
        }
        List<ValueInfo> outs = new ArrayList<>();
        for (String v : values) {
            outs.add(new ValueInfo(v, DType.FLOAT, new int[0]));
        }
        return new Graph(name, kept, inputs, outs, init, opset);
    }

    /**
     * The values the nodes from index first on read but do not compute — what earlier nodes or the model's inputs
     * give them (initializers excluded) — plus any output computed before first.
     */
    public Set<String> readBefore(int first) {
        Set<String> produced = new HashSet<>();
        for (Node n : nodes.subList(first, nodes.size())) {
            produced.addAll(n.outputs());
        }
        Set<String> cut = new java.util.LinkedHashSet<>();
        for (Node n : nodes.subList(first, nodes.size())) {
            for (String i : n.inputs()) {
                if (!i.isEmpty() && !produced.contains(i) && !initializers.containsKey(i)) {
                    cut.add(i);
                }
            }
        }
        for (ValueInfo o : outputs) {
            if (!produced.contains(o.name()) && !initializers.containsKey(o.name())) {
                cut.add(o.name());
            }
        }
        return cut;
    }

    /**
     * The nodes from index first on as a graph of their own: its inputs are {@link #readBefore}(first), declared by
     * describe; the same outputs; the initializers those nodes read. Running it on the values the whole graph
     * computes there gives the whole graph's outputs, without the work before first.
     */
    public Graph suffix(int first, java.util.function.Function<String, ValueInfo> describe) {
        List<Node> kept = nodes.subList(first, nodes.size());
        Set<String> read = new HashSet<>();
        for (Node n : kept) {
            read.addAll(n.inputs());
        }
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        for (Map.Entry<String, Attributes.Constant> e : initializers.entrySet()) {
            if (read.contains(e.getKey())) {
                init.put(e.getKey(), e.getValue());
            }
        }
        List<ValueInfo> in = readBefore(first).stream().map(describe).toList();
        return new Graph(name, kept, in, outputs, init, opset);
    }

    /**
     * The part of the graph from one value to others: the nodes that depend on from and that the values to depend on,
     * as a graph whose one input is from (declared as given) and whose outputs are to (float, shape known at run
     * time). Every other value those nodes read must be an initializer: the part must have from as its one entry.
     */
    public Graph region(ValueInfo from, List<String> to) {
        Set<String> after = new HashSet<>(Set.of(from.name()));
        for (Node n : nodes) {
            if (n.inputs().stream().anyMatch(after::contains)) {
                after.addAll(n.outputs());
            }
        }
        Set<Node> before = new HashSet<>(prefix(to).nodes());
        List<Node> kept = nodes.stream().filter(n -> before.contains(n)
                && n.inputs().stream().anyMatch(after::contains)).toList();
        Set<String> produced = new HashSet<>(Set.of(from.name(), ""));
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        for (Node n : kept) {
            for (String i : n.inputs()) {
                if (initializers.containsKey(i)) {
                    init.put(i, initializers.get(i));
                } else if (!produced.contains(i)) {
                    throw new IllegalArgumentException("node " + n.describe() + " reads '" + i + "' from outside the "
                            + "part from '" + from.name() + "' to " + to);
                }
            }
            produced.addAll(n.outputs());
        }
        for (String o : to) {
            if (!produced.contains(o)) {
                throw new IllegalArgumentException("'" + o + "' does not depend on '" + from.name() + "'");
            }
        }
        List<ValueInfo> outs = to.stream().map(o -> new ValueInfo(o, mpq.tensor.DType.FLOAT, new int[0])).toList();
        return new Graph(name, kept, List.of(from), outs, init, opset);
    }

    private static Set<String> available(List<ValueInfo> inputs, Set<String> initializers) {
        Set<String> s = new HashSet<>(initializers);
        for (ValueInfo v : inputs) {
            s.add(v.name());
        }
        s.add("");
        return s;
    }

    /** Kahn's algorithm, stable with respect to the given order; a missing producer or a cycle is an error. */
    private static List<Node> topologicalOrder(List<Node> nodes, Set<String> known) {
        Map<String, List<Integer>> waiting = new HashMap<>();
        int[] missing = new int[nodes.size()];
        // Every value has one producer (ONNX graphs are in single static assignment form).
        Map<String, Node> producer = new HashMap<>();
        for (Node n : nodes) {
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;   // an optional output left out
                }
                Node other = producer.putIfAbsent(out, n);
                if (other != null || known.contains(out)) {
                    throw new BadInputException("node " + n.describe() + " writes value '" + out + "', which "
                            + (other != null ? "node " + other.describe() + " writes too" : "is already a graph input "
                            + "or initializer") + "; every value must have one producer");
                }
            }
        }
        Set<String> produced = producer.keySet();
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (String in : new HashSet<>(n.inputs())) {
                if (known.contains(in)) {
                    continue;
                }
                if (!produced.contains(in)) {
                    throw new BadInputException("node " + n.describe() + " reads value '" + in
                            + "', which no node, input or initializer provides");
                }
                missing[i]++;
                waiting.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
            if (missing[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        boolean[] done = new boolean[nodes.size()];
        while (!ready.isEmpty()) {
            int i = ready.poll();
            done[i] = true;
            order.add(nodes.get(i));
            for (String out : nodes.get(i).outputs()) {
                for (int j : waiting.getOrDefault(out, List.of())) {
                    if (--missing[j] == 0) {
                        ready.add(j);
                    }
                }
            }
        }
        if (order.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (!done[i]) {
                    throw new BadInputException("the graph has a cycle through node " + nodes.get(i).describe());
                }
            }
        }
        return order;
    }
}

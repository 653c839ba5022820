package mpq.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;

/**
 * Gives every weight layer whose weight initializer is also read elsewhere (another layer, a Gather of tied
 * embeddings, a graph output) its own copy, named "WEIGHT/NODE", so that folding and quantizing one layer's
 * weights never changes what another node reads, and each layer can take its own bits.
 */
public final class UntieWeights {
    private UntieWeights() {}

    /** The graph with shared weights copied per layer; the same graph when none are shared. */
    public static Graph apply(Graph g) {
        Map<String, Integer> readers = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            for (String in : n.inputs()) {
                readers.merge(in, 1, Integer::sum);
            }
        }
        for (ValueInfo v : g.outputs()) {
            readers.merge(v.name(), 1, Integer::sum);
        }
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(g.initializers());
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : g.nodes()) {
            WeightLayer l = WeightLayer.of(n, g.initializers());
            if (l == null || readers.get(l.weight()) < 2) {
                nodes.add(n);
                continue;
            }
            String copy = l.weight() + "/" + l.name();
            while (init.containsKey(copy) || readers.containsKey(copy)) {
                copy += "'";
            }
            init.put(copy, init.get(l.weight()));   // constants are never changed in place: sharing the tensor is safe
            List<String> inputs = new ArrayList<>(n.inputs());
            inputs.set(1, copy);
            nodes.add(new Node(n.name(), n.opType(), n.domain(), inputs, n.outputs(), n.attributes()));
            changed = true;
        }
        if (!changed) {
            return g;
        }
        // An original every reader of which now has its own copy is read by nobody: leave it out.
        java.util.Set<String> read = new java.util.HashSet<>();
        nodes.forEach(n -> read.addAll(n.inputs()));
        g.outputs().forEach(v -> read.add(v.name()));
        init.keySet().removeIf(name -> g.initializers().containsKey(name) && !read.contains(name));
        return new Graph(g.name(), nodes, g.inputs(), g.outputs(), init, g.opset());
    }
}

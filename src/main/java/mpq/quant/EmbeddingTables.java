package mpq.quant;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.graph.Graph;
import mpq.graph.Node;

/**
 * The embedding tables of a graph: float initializers [rows, dim] that Gather nodes read as their data (along axis
 * 0) and nothing else reads, so that quantizing their rows changes the lookups only.
 */
public final class EmbeddingTables {
    private EmbeddingTables() {}

    public static List<String> find(Graph g) {
        Set<String> tables = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            if (n.opType().equals("Gather") && n.attributes().getInt("axis", 0) == 0) {
                var t = g.initializers().get(n.input(0));
                if (t != null && t.type().isFloat() && t.tensor().rank() == 2) {
                    tables.add(n.input(0));
                }
            }
        }
        Map<String, List<Node>> consumers = g.consumers();
        List<String> out = new ArrayList<>();
        for (String t : tables) {
            boolean gathersOnly = consumers.getOrDefault(t, List.of()).stream()
                    .allMatch(c -> c.opType().equals("Gather") && c.input(0).equals(t) && !c.input(1).equals(t));
            boolean output = g.outputs().stream().anyMatch(v -> v.name().equals(t));
            if (gathersOnly && !output) {
                out.add(t);
            }
        }
        return out;
    }
}

package mpq.graph;

import java.util.List;
import java.util.Map;

/**
 * Which value the cross-entropy of a classifier reads: its output, or — for a model that ends in a Softmax (perhaps
 * behind Identity nodes), whose output is probabilities — the Softmax's input, the logits.
 */
public final class LossInput {
    private LossInput() {}

    public static String of(Graph g) {
        Map<String, Node> producer = new java.util.HashMap<>();
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                producer.put(o, n);
            }
        }
        String v = g.outputs().getFirst().name();
        Node n = producer.get(v);
        while (n != null && n.opType().equals("Identity")) {
            n = producer.get(n.input(0));
        }
        return n != null && n.opType().equals("Softmax") && List.of(-1, 1).contains(n.attributes().getInt("axis", -1))
                ? n.input(0) : v;
    }
}

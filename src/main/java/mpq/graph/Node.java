package mpq.graph;

import java.util.List;

/**
 * One operation of the graph. Inputs and outputs are value names; an empty input name is an omitted optional input.
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                   Attributes attributes) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Input i, or "" when the node has fewer inputs. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public String output(int i) {
        return outputs.get(i);
    }

    /** "name (OpType)" for messages. */
    public String describe() {
        String shown = !name.isEmpty() ? name : outputs.isEmpty() ? "(no name, no outputs)" : outputs.getFirst();
        return "'" + shown + "' (" + opType + ")";
    }
}

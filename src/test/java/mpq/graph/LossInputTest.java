package mpq.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import mpq.tensor.DType;
import org.junit.jupiter.api.Test;

/** The cross-entropy reads logits: a model's output, or the input of the Softmax it ends in. */
class LossInputTest {
    private static Graph graph(List<Node> nodes, String out) {
        return new Graph("g", nodes, List.of(new ValueInfo("x", DType.FLOAT, new int[] {-1, 4})),
                List.of(new ValueInfo(out, DType.FLOAT, new int[] {-1, 4})), Map.of(), 13);
    }

    private static Node node(String op, String in, String out) {
        return new Node(out, op, "", List.of(in), List.of(out), Attributes.none());
    }

    @Test
    void softmaxAtTheEndIsLookedThrough() {
        assertEquals("z", LossInput.of(graph(List.of(node("Relu", "x", "z"), node("Softmax", "z", "p"),
                node("Identity", "p", "out")), "out")));
        assertEquals("z", LossInput.of(graph(List.of(node("Relu", "x", "z")), "z")));
        assertEquals("p", LossInput.of(graph(List.of(node("Relu", "x", "z"), node("Sigmoid", "z", "p")), "p")));
    }
}

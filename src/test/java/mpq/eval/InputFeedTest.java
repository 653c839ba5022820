package mpq.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.tensor.DType;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Batches reach a model as it declares its input: in its element type, and one example at a time for batch 1. */
class InputFeedTest {
    /** y = Cast(x → float) · W, W = [[1, 0], [0, 1], [1, 1]], for an input of the given type and batch axis. */
    private static Graph model(DType type, int batch) {
        Map<String, Attributes.Constant> init = Map.of("w", new Attributes.Constant(
                Tensor.of(new int[] {3, 2}, 1, 0, 0, 1, 1, 1), DType.FLOAT));
        List<Node> nodes = List.of(
                new Node("cast", "Cast", "", List.of("x"), List.of("xf"), new Attributes(Map.of("to", 1L))),
                new Node("mm", "MatMul", "", List.of("xf", "w"), List.of("y"), Attributes.none()));
        return new Graph("feed", nodes, List.of(new ValueInfo("x", type, new int[] {batch, 3})),
                List.of(new ValueInfo("y", DType.FLOAT, new int[] {batch, 2})), init, 13);
    }

    @Test
    void uint8InputsAndAFixedBatchOfOne() {
        Tensor batch = Tensor.of(new int[] {3, 3}, 1, 2, 3, 250, 0, 5, 7, 7, 7);   // raw values, as data gives them
        float[] want = {4, 5, 255, 5, 14, 14};
        for (Graph g : List.of(model(DType.UINT8, -1), model(DType.UINT8, 1), model(DType.FLOAT, 1))) {
            try (MpqEngine e = new MpqEngine(g, 1)) {
                Tensor y = e.run(batch);
                assertArrayEquals(new int[] {3, 2}, y.shape(), g.inputs().getFirst().toString());
                assertArrayEquals(want, java.util.Arrays.copyOf(y.data(), 6), g.inputs().getFirst().toString());
            }
        }
    }
}

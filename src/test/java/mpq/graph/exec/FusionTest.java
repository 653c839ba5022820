package mpq.graph.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import mpq.Nets;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Fused steps (ReLU and the residual Add joining the convolution before them) compute what the ops do one by one. */
class FusionTest {

    @Test
    void residualAddAndReluJoinTheConvolutionAndGiveTheSameOutput() {
        Graph g = Nets.residual(3, false);
        Tensor x = new Tensor(new int[] {4, 3, 8, 8}, new float[4 * 3 * 64]);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) r.nextGaussian();
        }
        Map<String, int[]> shapes = Map.of("x", x.shape());
        Plan fused = new Plan(g, shapes, Set.of());
        Set<String> all = new java.util.HashSet<>();
        for (Node n : g.nodes()) {
            all.addAll(n.outputs());
        }
        Plan oneByOne = new Plan(g, shapes, all);   // every value kept: nothing can be fused away
        assertTrue(fused.steps().stream().noneMatch(s -> s.node().opType().equals("Add")), "the Add was not fused");
        assertTrue(fused.steps().stream().noneMatch(s -> s.node().opType().equals("Relu")), "a Relu was not fused");
        assertFalse(oneByOne.steps().stream().noneMatch(s -> s.node().opType().equals("Add")));
        try (Parallel two = new Parallel(2)) {
            Tensor a = fused.run(Map.of("x", x), two).values().iterator().next();
            Tensor b = oneByOne.run(Map.of("x", x), two).values().iterator().next();
            for (int i = 0; i < a.size(); i++) {
                assertEquals(b.get(i), a.get(i), 1e-5f * (1 + Math.abs(b.get(i))), "logit " + i);
            }
        }
    }
}

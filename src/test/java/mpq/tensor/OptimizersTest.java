package mpq.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import mpq.Nets;
import mpq.graph.Graph;
import mpq.graph.exec.Backprop;
import org.junit.jupiter.api.Test;

/** SGD and Adam on a known quadratic, and Adam driving a network's input through the backward engine. */
class OptimizersTest {
    /** f(x) = Σ a_i (x_i − c_i)², gradient 2a(x − c); the minimum is c. */
    private static void minimiseQuadratic(Optimizer opt, int steps) {
        float[] a = {1f, 4f, 0.5f}, c = {3f, -2f, 0.5f};
        Tensor x = Tensor.zeros(3), g = Tensor.zeros(3);
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < 3; i++) {
                g.data()[i] = 2 * a[i] * (x.get(i) - c[i]);
            }
            opt.step(List.of(x), List.of(g));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(c[i], x.get(i), 1e-3, opt.getClass().getSimpleName() + " coordinate " + i);
        }
    }

    @Test
    void sgdWithMomentumAndAdamFindTheMinimum() {
        minimiseQuadratic(new Sgd(0.05, 0.9, 0), 500);
        minimiseQuadratic(new Adam(0.05), 3000);
    }

    @Test
    void adamOptimisesANetworksInput() {
        Graph g = Nets.residual(31, true, "Tanh");
        Tensor x = new Nets(32).random(1.0, 2, 3, 8, 8);
        try (Backprop bp = new Backprop(g, List.of(), true, 2)) {
            Tensor target = bp.forward(new Nets(33).random(1.0, 2, 3, 8, 8));   // reachable: another input's output
            Adam adam = new Adam(0.05);
            double first = 0, last = 0;
            for (int it = 0; it < 400; it++) {
                Tensor y = bp.forward(x);
                Tensor dy = Tensor.zeros(y.shape());
                last = Losses.meanSquaredError(y, target, dy);
                first = it == 0 ? last : first;
                bp.backward(Map.of(g.outputs().getFirst().name(), dy));
                adam.step(List.of(x), List.of(bp.gradient("x")));
            }
            assertTrue(last < first / 100, "loss " + first + " → " + last);
        }
    }
}

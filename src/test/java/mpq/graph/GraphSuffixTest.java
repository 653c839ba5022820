package mpq.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import mpq.Nets;
import mpq.graph.exec.Executor;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A graph run from any node on, on the values the whole graph computes there, gives the whole graph's output. */
class GraphSuffixTest {
    @Test
    void everySuffixOnTheWholeGraphsValuesGivesItsOutput() {
        Graph g = Nets.residual(61, true);
        Tensor x = new Nets(62).random(2.0, 4, 3, 8, 8);
        Set<String> all = new HashSet<>();
        g.nodes().forEach(n -> all.addAll(n.outputs()));
        Map<String, Tensor> values = new HashMap<>();
        float[] want;
        try (Executor ex = new Executor(g, 2, all)) {
            want = ex.run(x).data().clone();
            for (String v : all) {
                values.put(v, ex.value(v).copy());
            }
        }
        values.put(g.inputs().getFirst().name(), x);
        for (int first = 0; first < g.nodes().size(); first++) {
            Graph s = g.suffix(first, v -> new ValueInfo(v, values.get(v).type(), values.get(v).shape()));
            assertTrue(s.nodes().size() == g.nodes().size() - first);
            Map<String, Tensor> in = new HashMap<>();
            s.inputs().forEach(v -> in.put(v.name(), values.get(v.name())));
            try (Executor ex = new Executor(s, 2)) {
                Tensor y = ex.run(in).values().iterator().next();
                assertArrayEquals(want, y.data(), "from node " + first + " (" + g.nodes().get(first).name() + "), "
                        + "inputs " + g.readBefore(first));
            }
        }
    }
}

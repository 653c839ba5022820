package mpq.data;

import mpq.tensor.DType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import mpq.Nets;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.exec.Executor;
import mpq.tensor.BatchStatistics;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** ZeroQ distillation on a tiny BN network. */
class DistillerTest {
    /**
     * The tiny network with running statistics that some data has (random ones may contradict each other: a BN mean
     * no input with mean 0 can produce): each BN's statistics are set, in order, to those of its input on inputs
     * with per-channel mean 0 and standard deviation 1 that vary more between images than within one.
     */
    private static Graph withConsistentStatistics(Graph g) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        Tensor data = Tensor.zeros(64, 3, 8, 8);
        for (int i = 0; i < 64 * 3; i++) {
            double offset = 0.8 * rnd.nextGaussian();
            for (int k = 0; k < 64; k++) {
                data.data()[i * 64 + k] = (float) (offset + 0.6 * rnd.nextGaussian());
            }
        }
        for (Node bn : g.nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).toList()) {
            BatchStatistics st;
            try (Executor ex = new Executor(g, 2, Set.of(bn.input(0)))) {
                ex.run(data);
                st = BatchStatistics.of(ex.value(bn.input(0)));
            }
            var init = new java.util.LinkedHashMap<>(g.initializers());
            float[] m = new float[st.mean().length], v = new float[m.length];
            for (int c = 0; c < m.length; c++) {
                m[c] = (float) st.mean()[c];
                v[c] = (float) st.variance()[c];
            }
            init.put(bn.input(3), new mpq.graph.Attributes.Constant(Tensor.of(new int[] {m.length}, m), mpq.tensor.DType.FLOAT));
            init.put(bn.input(4), new mpq.graph.Attributes.Constant(Tensor.of(new int[] {v.length}, v), mpq.tensor.DType.FLOAT));
            g = new Graph(g.name(), g.nodes(), g.inputs(), g.outputs(), init, g.opset());
        }
        return g;
    }

    @Test
    void distilledInputsReproduceEveryBatchNormsRunningStatistics() {
        Graph g = withConsistentStatistics(Nets.residual(3, true));
        Distiller.Result r = Distiller.distill(g, "tiny", new Distiller.Settings(32, 32, 300, 0.1, 5), 2, Progress.NONE);
        assertTrue(r.initialLoss() >= 100 * r.finalLoss(), "loss " + r.initialLoss() + " → " + r.finalLoss());
        Tensor x = r.data().list().getFirst();
        assertEquals(32, x.dim(0));

        // Run the plain executor on the result and read each BN input: its batch statistics are the running ones.
        java.util.List<Node> bns = g.nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).toList();
        assertEquals(3, bns.size());
        Set<String> inputs = new java.util.HashSet<>();
        bns.forEach(n -> inputs.add(n.input(0)));
        try (Executor ex = new Executor(g, 2, inputs)) {
            ex.run(x);
            for (Node bn : bns) {
                BatchStatistics st = BatchStatistics.of(ex.value(bn.input(0)));
                Tensor mean = g.weight(bn.input(3)), var = g.weight(bn.input(4));
                for (int c = 0; c < mean.size(); c++) {
                    double sd = Math.sqrt(var.get(c) + 1e-5);
                    assertEquals(mean.get(c), st.mean()[c], 0.02 * sd + 1e-3, bn.name() + " mean of channel " + c);
                    assertEquals(sd, Math.sqrt(st.variance()[c] + 1e-5), 0.02 * sd, bn.name() + " std of channel " + c);
                }
            }
        }
        BatchStatistics input = BatchStatistics.of(x);
        for (int c = 0; c < 3; c++) {
            assertEquals(0, input.mean()[c], 0.02, "input mean");
            assertEquals(1, Math.sqrt(input.variance()[c]), 0.02, "input std");
        }
        // Same seed, same inputs.
        Distiller.Result again = Distiller.distill(g, "tiny", new Distiller.Settings(32, 32, 300, 0.1, 5), 2, Progress.NONE);
        assertTrue(java.util.Arrays.equals(x.data(), again.data().list().getFirst().data()));
    }

    @Test
    void aModelWithoutBatchNormIsRefusedWithTheReason() {
        BadInputException e = assertThrows(BadInputException.class, () -> Distiller.distill(Nets.residual(3, false),
                "folded.onnx", Distiller.Settings.defaults(8, 0), 1, Progress.NONE));
        assertTrue(e.getMessage().contains("folded.onnx") && e.getMessage().contains("BatchNormalization"), e.getMessage());
        assertTrue(e.getMessage().contains("running statistics"), e.getMessage());
    }
}

package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import mpq.Nets;
import mpq.SharedData;
import mpq.data.Batches;
import mpq.data.CifarDataset;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.exec.Executor;
import mpq.onnx.OnnxModel;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Folding BatchNorm into the layer before it changes no output. */
class FoldBatchNormTest {
    static double maxAbsDiff(Tensor a, Tensor b) {
        assertEquals(a.size(), b.size());
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            m = Math.max(m, Math.abs(a.get(i) - b.get(i)));
        }
        return m;
    }

    private static Tensor run(Graph g, Tensor x) {
        try (Executor ex = new Executor(g, 2)) {
            return ex.run(x);
        }
    }

    @Test
    void convAndGroupedConvWithBatchNormFoldExactly() {
        Graph g = Nets.residual(1, true);
        Graph f = FoldBatchNorm.apply(g);
        assertEquals(3, g.nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count());
        assertEquals(0, f.nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count());
        Tensor x = new Nets(2).random(2.0, 4, 3, 8, 8);
        double d = maxAbsDiff(run(g, x), run(f, x));
        assertTrue(d < 1e-5, "max |difference| " + d);
    }

    @Test
    void gemmWithBatchNormFolds() {
        Nets n = new Nets(3);
        String h = n.node("Gemm", "fc", Map.of("transB", 1L, "beta", 0.5f), "x", n.param("w", n.random(1, 6, 4)),
                n.param("b", n.random(1, 6)));
        h = n.bn("bn", h, 6);
        Graph g = n.graph(new int[] {-1, 4}, h);
        Graph f = FoldBatchNorm.apply(g);
        assertEquals(1, f.nodes().size());
        Tensor x = n.random(1.0, 5, 4);
        assertTrue(maxAbsDiff(run(g, x), run(f, x)) < 1e-5);
    }

    @Test
    void batchNormWhoseInputHasAnotherReaderStays() {
        Nets n = new Nets(4);
        String c = n.conv("c", "x", 2, 3, 1, 1, true);
        String b = n.bn("bn", c, 3);
        String y = n.node("Add", "add", Map.of(), b, c);
        Graph f = FoldBatchNorm.apply(n.graph(new int[] {-1, 2, 4, 4}, y));
        assertTrue(f.nodes().stream().map(Node::opType).anyMatch("BatchNormalization"::equals));
    }

    /** ../shared's resnet20 with BatchNorm, folded by mpq, against the same network folded before export. */
    @Test
    void sharedBnModelFoldsToItsFoldedTwin() throws Exception {
        Graph withBn = OnnxModel.load(SharedData.model("resnet20_cifar10_bn.onnx")).graph();
        Graph twin = OnnxModel.load(SharedData.model("resnet20_cifar10.onnx")).graph();
        Graph folded = FoldBatchNorm.apply(withBn);
        assertEquals(0, folded.nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count());
        Batches b;
        try (CifarDataset d = new CifarDataset(SharedData.cifarTest())) {
            b = Batches.sample(d, SharedData.preprocessFor("resnet20"), 128, 128, 0);
        }
        Tensor x = b.list().getFirst();
        double d = maxAbsDiff(run(folded, x), run(twin, x));
        assertTrue(d <= 1e-5, "max |difference| of logits " + d);
        // Folded in float32 like the exporter did: the same weights, so the same logits exactly.
        assertEquals(0.0, d, "logits of the folded model and its twin");
    }
}

package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import mpq.Nets;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.export.QdqExport;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.tensor.DType;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Two layers reading one weight initializer each get their own copy, their own bits and their own export. */
class UntieWeightsTest {
    private static Graph tied() {
        Tensor w = new Nets(5).random(0.5, 8, 8);
        return new Graph("tied", List.of(
                new Node("first", "MatMul", "", List.of("x", "w"), List.of("h"), Attributes.none()),
                new Node("relu", "Relu", "", List.of("h"), List.of("r"), Attributes.none()),
                new Node("second", "MatMul", "", List.of("r", "w"), List.of("y"), Attributes.none())),
                List.of(new ValueInfo("x", DType.FLOAT, new int[] {-1, 8})),
                List.of(new ValueInfo("y", DType.FLOAT, new int[] {-1, 8})),
                Map.of("w", new Attributes.Constant(w, DType.FLOAT)), 13);
    }

    @Test
    void sharedWeightsAreCopiedPerLayer() {
        Graph g = UntieWeights.apply(tied());
        assertEquals(List.of("w/first", "w/second"), List.of(g.nodes().get(0).input(1), g.nodes().get(2).input(1)));
        assertFalse(g.initializers().containsKey("w"), "the original, read by nobody now, is left out");
        Graph untouched = Nets.residual(1, false);
        assertTrue(UntieWeights.apply(untouched) == untouched, "a graph without shared weights is returned as is");
    }

    @Test
    void eachCopyTakesItsOwnBitsAndExports() {
        Batches calib = new Batches(List.of(new Nets(2).random(1.0, 16, 8)), "random");
        QuantConfig cfg = QuantConfig.standard().withKeepFirstLast(false)
                .withOverride(QuantConfig.Override.parse("first=w3")).withOverride(QuantConfig.Override.parse("second=w6"));
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(tied(), cfg, calib, 1, Progress.NONE);
        assertEquals(List.of(3, 6), r.recipe().layers().stream().map(l -> l.weightBits()).toList());
        Tensor a = r.quantized().weight("w/first"), b = r.quantized().weight("w/second");
        assertTrue(distinct(a) <= 7 * 8, "3-bit weights take at most 7 levels per channel: " + distinct(a));
        assertTrue(distinct(b) > distinct(a));
        QdqExport.Exported e = QdqExport.apply(r.floatGraph(), r.recipe());
        assertEquals(2, e.graph().nodes().stream().filter(n -> n.opType().equals("DequantizeLinear")
                && n.output(0).startsWith("w/")).count());
    }

    private static long distinct(Tensor t) {
        java.util.Set<Float> s = new java.util.HashSet<>();
        for (int i = 0; i < t.size(); i++) {
            s.add(t.get(i));
        }
        return s.size();
    }
}

package mpq.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mpq.Nets;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.eval.OrtEngine;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.RowwiseQuantizer;
import mpq.quant.WeightSize;
import mpq.tensor.DType;
import mpq.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row-wise quantized embedding table, exported: mpq running the export and ONNX Runtime running the file look up
 * exactly (bit for bit) the rows mpq's simulation holds, for every method and packing.
 */
class EmbeddingExportTest {
    @TempDir
    Path tmp;

    /** e = Gather(table [40, 8], ids), y = MatMul(e, w): the lookup is the first output. */
    private static Graph model() {
        Nets n = new Nets(4);
        return new Graph("emb", List.of(
                new Node("lookup", "Gather", "", List.of("table", "ids"), List.of("e"), Attributes.none()),
                new Node("proj", "MatMul", "", List.of("e", "w"), List.of("y"), Attributes.none())),
                List.of(new ValueInfo("ids", DType.INT64, new int[] {-1, 3})),
                List.of(new ValueInfo("e", DType.FLOAT, new int[] {-1, 3, 8}), new ValueInfo("y", DType.FLOAT, new int[] {-1, 3, 4})),
                Map.of("table", new Attributes.Constant(n.random(1.0, 40, 8), DType.FLOAT),
                        "w", new Attributes.Constant(n.random(0.5, 8, 4), DType.FLOAT)), 13);
    }

    private static Tensor ids() {
        long[] v = new long[6 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7) % 40;
        }
        return new Tensor(DType.INT64, new int[] {6, 3}, v);
    }

    @ParameterizedTest
    @CsvSource({"4, greedy", "4, minmax", "2, greedy", "8, minmax", "3, minmax", "4, codebook", "2, codebook"})
    void exportLooksUpWhatIsSimulated(int bits, String method) {
        Graph g = model();
        Tensor x = ids();
        QuantConfig cfg = QuantConfig.uniform(8, 8).withEmbeddings(bits, RowwiseQuantizer.Method.of(method));
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(g, cfg, Batches.ofInputs(Map.of("ids", x), 0, 6, 0,
                "ids"), 1, Progress.NONE);
        assertEquals(1, r.recipe().embeddings().size());
        Path file = tmp.resolve("e.onnx");
        mpq.pipeline.Deployment.export(r.floatGraph(), r.recipe(), "emb", file, false, null, 1);
        Tensor simulated, exported, ort;
        try (Executor a = new Executor(r.quantized(), 1)) {
            simulated = a.run(Map.of("ids", x)).get("e");
        }
        try (Executor b = new Executor(mpq.onnx.OnnxModel.load(file).graph(), 1)) {
            exported = b.run(Map.of("ids", x)).get("e");
        }
        try (OrtEngine o = new OrtEngine(file, 1)) {
            ort = o.run(Map.of("ids", x));
        }
        assertArrayEquals(simulated.data(), java.util.Arrays.copyOf(exported.data(), exported.size()), 0f, "mpq on the export");
        assertArrayEquals(simulated.data(), java.util.Arrays.copyOf(ort.data(), ort.size()), 0f, "ONNX Runtime on the export");
        long tableBytes = WeightSize.bytes(r.floatGraph(), r.recipe()) - WeightSize.bytes(r.floatGraph(),
                r.recipe().withEmbeddings(List.of())) + 40 * 8 * 4;
        long expected = (40L * 8 * bits + 7) / 8 + 40L * 2 * (method.equals("codebook") ? 1 << bits : 2);
        assertEquals(expected, tableBytes, "the table's size as the size budgets count it");
        assertTrue(simulated.size() == 6 * 3 * 8);
    }
}

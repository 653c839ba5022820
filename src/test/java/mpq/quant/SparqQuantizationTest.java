package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mpq.Nets;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.exec.Executor;
import mpq.graph.op.Ops;
import mpq.onnx.OnnxModel;
import mpq.pipeline.Deployment;
import mpq.pipeline.ExportReport;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where SPARQ's windows go in the quantized graph, what they change, and what the recipe and the export keep. */
class SparqQuantizationTest {
    @TempDir
    Path tmp;

    private static Batches calibration() {
        return Nets.calibration(21);
    }

    private static Tensor run(Graph g, Tensor x) {
        try (Executor ex = new Executor(g, 2)) {
            return ex.run(x).copy();
        }
    }

    private static PostTrainingQuantizer.Result quantize(SparqWindows w) {
        return PostTrainingQuantizer.run(Nets.residual(5, false), QuantConfig.uniform(8, 8).withSparq(w),
                calibration(), 2, Progress.NONE);
    }

    @Test
    void layersThatReadAReluOutputReadItThroughTheWindowsAndTheAddReadsTheLevels() {
        PostTrainingQuantizer.Result r = quantize(SparqWindows.DEFAULT);
        // conv1 reads the signed model input: no windows there.
        assertEquals(List.of("conv2", "conv3", "fc"), r.recipe().windowedLayers().stream()
                .map(QuantRecipe.LayerQuant::name).toList());
        Map<String, Node> producer = new HashMap<>();
        Map<String, Node> byName = new HashMap<>();
        for (Node n : r.quantized().nodes()) {
            n.outputs().forEach(o -> producer.put(o, n));
            byName.put(n.name(), n);
        }
        long tables = r.quantized().nodes().stream().filter(n -> n.opType().equals(Ops.LEVEL_TABLE)).count();
        assertEquals(3, tables);
        for (String layer : List.of("conv2", "conv3", "fc")) {
            assertEquals(Ops.LEVEL_TABLE, producer.get(byName.get(layer).input(0)).opType(), layer);
        }
        assertEquals(Ops.FAKE_QUANT, producer.get(byName.get("conv1").input(0)).opType());
        // relu1's output feeds conv2 (windowed) and the residual Add, which gets the 8-bit levels.
        Node add = byName.get("add");
        assertTrue(add.inputs().stream().anyMatch(i -> producer.get(i).opType().equals(Ops.FAKE_QUANT)), add.inputs().toString());
        assertTrue(add.inputs().stream().noneMatch(i -> producer.get(i).opType().equals(Ops.LEVEL_TABLE)));
    }

    @Test
    void narrowerWindowsChangeTheOutputMoreAndPairingHelps() {
        Tensor x = new Nets(22).random(2.0, 8, 3, 8, 8);
        PostTrainingQuantizer.Result plain = quantize(null);
        Tensor ref = run(plain.quantized(), x);
        double four = error(ref, run(quantize(SparqWindows.DEFAULT).quantized(), x));
        double two = error(ref, run(quantize(new SparqWindows(2, SparqWindows.Placements.TWO,
                SparqWindows.Rounding.FLOOR, false)).quantized(), x));
        double twoPaired = error(ref, run(quantize(new SparqWindows(2, SparqWindows.Placements.TWO,
                SparqWindows.Rounding.FLOOR, true)).quantized(), x));
        assertTrue(four > 0, "4-bit windows change some values");
        assertTrue(four < two, four + " vs " + two);
        assertTrue(twoPaired < two, twoPaired + " vs " + two);
    }

    private static double error(Tensor a, Tensor b) {
        double s = 0, n = 0;
        for (int i = 0; i < a.size(); i++) {
            s += Math.pow(a.get(i) - b.get(i), 2);
            n += Math.pow(a.get(i), 2);
        }
        return Math.sqrt(s / n);
    }

    @Test
    void theRecipeKeepsTheWindowsAndTheExportHoldsTheEightBitModel() {
        SparqWindows w = new SparqWindows(3, SparqWindows.Placements.THREE, SparqWindows.Rounding.FLOOR, false);
        PostTrainingQuantizer.Result r = quantize(w);
        Path f = tmp.resolve("recipe.json");
        RecipeJson.write(RecipeJson.toJson(r.recipe()), f);
        QuantRecipe back = RecipeJson.read(f);
        assertEquals(w, back.sparq());
        Tensor x = new Nets(23).random(2.0, 4, 3, 8, 8);
        assertEquals(0.0, FoldBatchNormTest.maxAbsDiff(run(r.quantized(), x), run(FakeQuantPass.apply(r.floatGraph(),
                back), x)));

        Path model = tmp.resolve("q.onnx");
        ExportReport e = Deployment.export(r.floatGraph(), r.recipe(), "residual", model, false, null, 2);
        assertNotNull(e.notInFile());
        Graph exported = OnnxModel.load(model).graph();
        assertTrue(exported.nodes().stream().noneMatch(n -> n.domain().equals(Ops.MPQ_DOMAIN)));
        assertEquals(w, RecipeJson.read(mpq.export.QdqExport.recipePath(model)).sparq());
        // The file computes the 8-bit model: the simulation without the windows.
        Graph eightBit = FakeQuantPass.apply(r.floatGraph(), r.recipe().withSparq(null));
        assertTrue(FoldBatchNormTest.maxAbsDiff(run(eightBit, x), run(exported, x)) < 1e-4);
    }

    @Test
    void windowsNoLayerCanTakeAreRefused() {
        BadInputException e = assertThrows(BadInputException.class, () -> PostTrainingQuantizer.run(
                Nets.residual(5, false), QuantConfig.uniform(8, 4).withKeepFirstLast(false)
                        .withSparq(SparqWindows.DEFAULT), calibration(), 2, Progress.NONE));
        assertTrue(e.getMessage().contains("--sparq 4") && e.getMessage().contains("wider than 4 bits"), e.getMessage());
    }
}

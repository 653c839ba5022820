package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import mpq.Nets;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.graph.exec.Executor;
import mpq.graph.op.Ops;
import mpq.deploy.Targets;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the quantizer puts quantizers, what bits they get, and what the simulated model computes. */
class PostTrainingQuantizerTest {
    @TempDir
    Path tmp;

    private static Batches calibration(long seed) {
        return Nets.calibration(seed);
    }

    private static Tensor run(Graph g, Tensor x) {
        try (Executor ex = new Executor(g, 2)) {
            return ex.run(x);
        }
    }

    @Test
    void quantizersSitWhereAnIntegerModelQuantizes() {
        Graph g = FoldBatchNorm.apply(Nets.residual(1, true));
        QuantTargets t = QuantTargets.find(g);
        assertEquals(List.of("conv1", "conv2", "conv3", "fc"), t.layers().stream().map(WeightLayer::name).toList());
        assertEquals(Set.of("conv1", "fc"), t.edgeLayers());
        Map<String, QuantTargets.Activation> acts = t.activations().stream()
                .collect(Collectors.toMap(QuantTargets.Activation::value, a -> a));
        // The model input, every ReLU output (the Add is fused with the ReLU after it) and the Gemm's input.
        assertEquals(Set.of("x", "relu1_out", "relu2_out", "relu3_out", "flatten_out"), acts.keySet());
        assertEquals(List.of("conv2"), acts.get("relu1_out").readers().stream().map(WeightLayer::name).toList());
        assertTrue(acts.get("relu3_out").readers().isEmpty());
        assertEquals(List.of("flatten_out"), acts.get("relu3_out").next());
        assertTrue(acts.get("relu1_out").nonNegative() && acts.get("flatten_out").nonNegative());
        assertTrue(!acts.get("x").nonNegative());
    }

    @Test
    void bitsFollowTheLayersThatReadEachActivation() {
        Batches calib = calibration(2);
        QuantConfig cfg = QuantConfig.uniform(4, 4).withOverride(QuantConfig.Override.parse("conv3=w3a6"));
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(Nets.residual(1, false), cfg, calib, 2, Progress.NONE);
        QuantRecipe rec = r.recipe();
        // First and last layers at 8 bits, which the default target (ort-x86) takes as 7 with 8-bit inputs.
        assertEquals(7, rec.layer("conv1").weightBits());
        assertEquals(4, rec.layer("conv2").weightBits());
        assertEquals(3, rec.layer("conv3").weightBits());   // the override
        assertEquals(7, rec.layer("fc").weightBits());
        QuantRecipe exact = PostTrainingQuantizer.run(Nets.residual(1, false), cfg.withTarget(Targets.ORT_X86_VNNI),
                calib, 2, Progress.NONE).recipe();
        assertEquals(8, exact.layer("conv1").weightBits());
        assertEquals(8, exact.layer("fc").weightBits());
        assertEquals(8, exact.layer("fc").weightParams().grid().bits());
        assertEquals(8, rec.activation("x").params().grid().bits());
        assertEquals(4, rec.activation("relu1_out").params().grid().bits());
        assertEquals(6, rec.activation("relu2_out").params().grid().bits());
        // relu3 only reaches the Gemm through pooling: it carries the Gemm's 8 bits.
        assertEquals(8, rec.activation("relu3_out").params().grid().bits());
        assertEquals(8, rec.activation("flatten_out").params().grid().bits());
        // Post-ReLU data on an affine grid: zero point 0, the whole grid for positive values.
        assertEquals(0, rec.activation("relu1_out").params().zeroPoint(0));
    }

    @Test
    void theTargetDecidesOnTheInputALayerGetsNotTheOneItAskedFor() {
        // relu1 feeds two convolutions; "a" asks for 6-bit inputs, "b" for 8, so relu1 is quantized to 8 bits and
        // "a" reads 8-bit inputs: on ort-x86 its 8-bit weights must become 7-bit all the same.
        Nets n = new Nets(5);
        String r1 = n.node("Relu", "relu1", Map.of(), n.conv("conv1", "x", 3, 8, 3, 1, true));
        String h = n.node("Add", "add", Map.of(), n.conv("a", r1, 8, 8, 3, 1, true), n.conv("b", r1, 8, 8, 1, 1, true));
        h = n.node("Flatten", "flatten", Map.of(), n.node("GlobalAveragePool", "gap", Map.of(), h));
        h = n.node("Gemm", "fc", Map.of("transB", 1L), h, n.param("fc.w", n.random(0.5, 5, 8)));
        Graph g = n.graph(new int[] {-1, 3, 8, 8}, h);
        QuantConfig cfg = QuantConfig.uniform(8, 8).withOverride(QuantConfig.Override.parse("a=w8a6"));
        QuantRecipe rec = PostTrainingQuantizer.run(g, cfg, calibration(6), 2, Progress.NONE).recipe();
        assertEquals(8, rec.activation("relu1_out").params().grid().bits());
        assertEquals(8, cfg.specFor("a", false).weightBits(), "8-bit weights fit the 6-bit inputs it asked for");
        assertEquals(7, rec.layer("a").weightParams().grid().bits(), "but not the 8-bit inputs it reads");
        assertEquals(List.of(), rec.saturatingOn(Targets.ORT_X86));
    }

    @Test
    void quantizedWeightsLieOnTheirChannelGrids() {
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(Nets.residual(3, false), QuantConfig.uniform(3, 8),
                calibration(4), 2, Progress.NONE);
        QuantRecipe.LayerQuant l = r.recipe().layer("conv2");
        QuantParams p = l.weightParams();
        assertEquals(0, p.axis());
        Tensor w = r.quantized().weight(l.weight());
        int inner = w.size() / w.dim(0);
        for (int i = 0; i < w.size(); i++) {
            int c = i / inner;
            double steps = w.get(i) / p.scale(c);
            assertEquals(Math.rint(steps), steps, 1e-4, "element " + i);
            assertTrue(Math.rint(steps) >= -4 && Math.rint(steps) <= 3, "3-bit signed grid: " + steps);
        }
        long fakeQuants = r.quantized().nodes().stream().filter(n -> n.opType().equals(Ops.FAKE_QUANT)).count();
        assertEquals(r.recipe().activations().size(), fakeQuants);
    }

    @Test
    void eightBitsChangeTheOutputLittleAndFewerBitsMore() {
        Graph g = Nets.residual(5, true);
        Batches calib = calibration(6);
        Tensor x = new Nets(7).random(2.0, 32, 3, 8, 8);
        Tensor ref = run(g, x);
        double prev = 0;
        for (int bits : new int[] {8, 4, 2}) {
            PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(g,
                    QuantConfig.uniform(bits, bits).withKeepFirstLast(false), calib, 2, Progress.NONE);
            double err = relativeError(ref, run(r.quantized(), x));
            assertTrue(err > prev, bits + " bits: relative error " + err + " not above " + prev);
            if (bits == 8) {
                assertTrue(err < 0.02, "8 bits: relative error " + err);
            }
            prev = err;
        }
    }

    private static double relativeError(Tensor ref, Tensor y) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.size(); i++) {
            double d = ref.get(i) - y.get(i);
            num += d * d;
            den += (double) ref.get(i) * ref.get(i);
        }
        return Math.sqrt(num / den);
    }

    @Test
    void biasCorrectionRemovesTheMeanShift() {
        Graph g = Nets.residual(8, false);
        Batches calib = calibration(9);
        QuantConfig cfg = QuantConfig.uniform(2, 8).withKeepFirstLast(false);
        PostTrainingQuantizer.Result plain = PostTrainingQuantizer.run(g, cfg, calib, 2, Progress.NONE);
        PostTrainingQuantizer.Result corrected = PostTrainingQuantizer.run(g, cfg.withRefiners(List.of(Refiners.BIAS_CORRECTION)), calib, 2,
                Progress.NONE);
        assertEquals(4, corrected.recipe().biases().size());
        List<String> out = List.of("conv3_out");
        double[] ref = Calibration.channelMeans(plain.floatGraph(), out, calib, 2).get("conv3_out");
        double[] before = Calibration.channelMeans(plain.quantized(), out, calib, 2).get("conv3_out");
        double[] after = Calibration.channelMeans(corrected.quantized(), out, calib, 2).get("conv3_out");
        double shiftBefore = 0, shiftAfter = 0;
        for (int c = 0; c < ref.length; c++) {
            shiftBefore += Math.abs(before[c] - ref[c]);
            shiftAfter += Math.abs(after[c] - ref[c]);
        }
        assertTrue(shiftAfter < 1e-3 * ref.length, "mean shift after correction " + shiftAfter);
        assertTrue(shiftBefore > 10 * shiftAfter, "before " + shiftBefore + ", after " + shiftAfter);
    }

    @Test
    void recipeRoundTripsThroughJson() {
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(Nets.residual(10, false),
                QuantConfig.uniform(4, 8).withRefiners(List.of(Refiners.BIAS_CORRECTION)), calibration(11), 2, Progress.NONE);
        Path f = tmp.resolve("out/recipe.json");
        RecipeJson.write(RecipeJson.toJson(r.recipe()), f);
        QuantRecipe back = RecipeJson.read(f);
        assertEquals(r.recipe().layers(), back.layers());
        assertEquals(r.recipe().activations(), back.activations());
        assertEquals(r.recipe().biases().keySet(), back.biases().keySet());
        for (String k : back.biases().keySet()) {
            assertTrue(java.util.Arrays.equals(r.recipe().biases().get(k), back.biases().get(k)), k);
        }
        // The same recipe rebuilds the same simulated model.
        Tensor x = new Nets(12).random(2.0, 8, 3, 8, 8);
        Tensor a = run(r.quantized(), x), b = run(FakeQuantPass.apply(r.floatGraph(), back), x);
        assertEquals(0.0, FoldBatchNormTest.maxAbsDiff(a, b));
    }

    @Test
    void overridesThatNameNoLayerAreRefused() {
        QuantConfig cfg = QuantConfig.uniform(4, 8).withOverride(QuantConfig.Override.parse("conv9=w2"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> PostTrainingQuantizer.run(Nets.residual(1, false), cfg, calibration(1), 1, Progress.NONE));
        assertTrue(e.getMessage().contains("conv9") && e.getMessage().contains("conv1"), e.getMessage());
        assertThrows(BadInputException.class, () -> QuantConfig.Override.parse("conv1=w9"));
        assertThrows(BadInputException.class, () -> QuantConfig.Override.parse("conv1"));
        assertNotNull(QuantConfig.Override.parse("*layer3*=a6").actBits());
    }

    @Test
    void globPatternsMatchLayerNames() {
        QuantConfig.Override o = QuantConfig.Override.parse("/layer3/*conv?/Conv=w2a4");
        assertTrue(o.matches("/layer3/layer3.1/conv2/Conv"));
        assertTrue(!o.matches("/layer2/layer2.1/conv2/Conv"));
        assertEquals(2, o.weightBits());
        assertEquals(4, o.actBits());
    }

    @Test
    void prefixKeepsOnlyWhatAValueNeeds() {
        Graph g = Nets.residual(13, false);
        Graph p = g.prefix(List.of("relu2_out"));
        assertEquals(List.of("conv1", "relu1", "conv2", "relu2"), p.nodes().stream().map(n -> n.name()).toList());
        assertEquals(Set.of("conv1.w", "conv1.b", "conv2.w", "conv2.b"), p.initializers().keySet());
        Tensor x = new Nets(14).random(1.0, 2, 3, 8, 8);
        try (Executor full = new Executor(g, 1, Set.of("relu2_out")); Executor part = new Executor(p, 1)) {
            full.run(x);
            assertEquals(0.0, FoldBatchNormTest.maxAbsDiff(full.value("relu2_out").copy(), part.run(x)));
        }
    }
}

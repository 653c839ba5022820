package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import mpq.Nets;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.onnx.OnnxModel;
import mpq.pipeline.Deployment;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdaRound's arithmetic, the units found in a graph, and what reconstruction does to a small network's recipe. */
class ReconstructionTest {
    @TempDir
    Path tmp;

    private static Tensor weights(long seed, int... shape) {
        return new Nets(seed).random(1.0, shape);
    }

    @Test
    void softRoundingStartsAtTheWeightsAndHardRoundingAtNearest() {
        Tensor w = weights(1, 6, 4, 3, 3);
        QuantParams p = WeightQuantizer.params(w, 0, 4, Estimators.byName("mse"));
        AdaRound r = new AdaRound(p, w);
        float[] soft = new float[w.size()];
        r.softWeights(soft);
        int[] channel = p.channelOf(w.shape());
        for (int i = 0; i < w.size(); i++) {
            int c = channel[i];
            float clamped = Math.min(p.highSteps(c) * p.scale(c), Math.max(p.lowSteps(c) * p.scale(c), w.get(i)));
            assertEquals(clamped, soft[i], 1e-5 * p.scale(c), "element " + i);
        }
        Tensor nearest = p.levels(w);
        int[] hard = r.levels();
        for (int i = 0; i < hard.length; i++) {
            assertEquals((int) nearest.get(i), hard[i], "element " + i);
        }
        assertEquals(0.0, r.changedFraction(w));
        // The stored integers dequantize to what the grid gives.
        assertEquals(0.0, FoldBatchNormTest.maxAbsDiff(p.apply(w), p.dequantize(hard, w.shape())));
    }

    @Test
    void theGradientMatchesFiniteDifferencesOfTheLossAndTheRegulariser() {
        Tensor w = weights(2, 3, 2, 3, 3);
        QuantParams p = WeightQuantizer.params(w, 0, 3, Estimators.byName("minmax"));
        AdaRound r = new AdaRound(p, w);
        SplittableRandom rnd = new SplittableRandom(3);
        float[] v = r.variables().data();
        for (int i = 0; i < w.size(); i++) {
            v[i] = (float) (rnd.nextDouble() * 3 - 1.5);   // mostly where h is not clipped
        }
        float[] c = new float[w.size()];   // loss Σ c·w̃, so ∂loss/∂w̃ = c
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        double lambda = 0.3, beta = 4;
        float[] grad = new float[w.size()];
        r.gradient(c, grad, lambda, beta);
        int checked = 0;
        for (int i = 0; i < w.size(); i++) {
            float h = AdaRound.soft(v[i]);
            if (h <= 0.02f || h >= 0.98f) {
                continue;   // next to a kink of the rectified sigmoid
            }
            double eps = 1e-3, keep = v[i];
            v[i] = (float) (keep + eps);
            double up = total(r, c, lambda, beta);
            v[i] = (float) (keep - eps);
            double down = total(r, c, lambda, beta);
            v[i] = (float) keep;
            assertEquals((up - down) / (2 * eps), grad[i], 2e-3 + 2e-3 * Math.abs(grad[i]), "element " + i);
            checked++;
        }
        assertTrue(checked > w.size() / 3, "checked " + checked);
    }

    private static double total(AdaRound r, float[] c, double lambda, double beta) {
        float[] soft = new float[c.length];
        r.softWeights(soft);
        double loss = 0;
        for (int i = 0; i < c.length; i++) {
            loss += c[i] * soft[i];
        }
        return loss + r.gradient(c, new float[c.length], lambda, beta);
    }

    private static QuantRecipe recipe(int wBits) {
        return PostTrainingQuantizer.run(Nets.residual(5, false), QuantConfig.uniform(wBits, 8), Nets.calibration(21),
                2, Progress.NONE).recipe();
    }

    @Test
    void blocksAreTheStemTheResidualBlockWithThePoolingAndTheClassifier() {
        Graph g = PostTrainingQuantizer.prepare(Nets.residual(5, false));
        List<ReconBlocks.Block> blocks = ReconBlocks.blocks(g, recipe(4));
        assertEquals(List.of(new ReconBlocks.Block("x", "relu1_out", List.of("conv1")),
                new ReconBlocks.Block("relu1_out", "flatten_out", List.of("conv2", "conv3")),
                new ReconBlocks.Block("flatten_out", "fc_out", List.of("fc"))), blocks);
        List<ReconBlocks.Block> layers = ReconBlocks.layers(g, recipe(4));
        assertEquals(List.of(new ReconBlocks.Block("x", "relu1_out", List.of("conv1")),
                new ReconBlocks.Block("relu1_out", "relu2_out", List.of("conv2")),
                new ReconBlocks.Block("relu2_out", "conv3_out", List.of("conv3")),   // read by the Add: no ReLU
                new ReconBlocks.Block("flatten_out", "fc_out", List.of("fc"))), layers);
    }

    @Test
    void aRegionIsTheBlockAloneAndRefusesASecondEntry() {
        Graph g = PostTrainingQuantizer.prepare(Nets.residual(5, false));
        Graph q = FakeQuantPass.apply(g, recipe(4));
        Graph region = ReconBlocks.region(q, new ReconBlocks.Block("relu1_out", "flatten_out",
                List.of("conv2", "conv3")), Tensor.zeros(1, 8, 8, 8));
        assertTrue(region.nodes().stream().anyMatch(n -> n.name().equals("add")));
        assertTrue(region.nodes().stream().noneMatch(n -> n.name().equals("conv1") || n.name().equals("fc")));
        assertThrows(IllegalArgumentException.class, () -> q.region(new mpq.graph.ValueInfo("relu2_out",
                mpq.tensor.DType.FLOAT, new int[] {-1, 8, 8, 8}), List.of("add_out")));   // the Add reads relu1 too
    }

    @Test
    void aBlocksOutputFromTheLastOnesIsTheNetworksValueThere() {
        Graph g = PostTrainingQuantizer.prepare(Nets.residual(5, false));
        QuantRecipe r = recipe(4);
        Graph q = FakeQuantPass.apply(g, r);
        Batches calib = Nets.calibration(21);
        List<ReconBlocks.Block> blocks = ReconBlocks.blocks(g, r);
        Tensor first = Reconstruction.collect(q, blocks.get(0).input(), calib, 2);
        Tensor second = Reconstruction.collect(q, blocks.get(1).input(), calib, 2);
        Tensor through = Reconstruction.through(ReconBlocks.region(q, blocks.get(0), first), first, 2);
        assertArrayEquals(second.shape(), through.shape());
        assertTrue(FoldBatchNormTest.maxAbsDiff(second, through) < 1e-5);
    }

    @Test
    void brecqLearnsRoundingThatBeatsNearestAndTheRecipeAndExportKeepIt() {
        Graph model = Nets.residual(5, false);
        Batches calib = Nets.calibration(21);
        Reconstruction.Settings s = new Reconstruction.Settings(300, 16, 0.01, Reconstruction.Loss.MSE, 0, 0);
        QuantConfig plain = QuantConfig.uniform(3, 8).withKeepFirstLast(false);
        PostTrainingQuantizer.Result nearest = PostTrainingQuantizer.run(model, plain, calib, 2, Progress.NONE);
        PostTrainingQuantizer.Result learned = PostTrainingQuantizer.run(model, plain.withRefiners(
                List.of(Refiners.BRECQ)).withReconstruction(s), calib, 2, Progress.NONE);
        assertEquals(List.of("conv1", "conv2", "conv3", "fc"), List.copyOf(learned.recipe().weightLevels().keySet()));
        double before = Nets.outputError(nearest.floatGraph(), nearest.quantized());
        double after = Nets.outputError(learned.floatGraph(), learned.quantized());
        assertTrue(after < 0.8 * before, "output error " + before + " → " + after);
        int[] q = learned.recipe().weightLevels().get("conv2");
        assertNotEquals(List.of(), java.util.Arrays.stream(q).filter(v -> v != 0).boxed().toList());

        Path f = tmp.resolve("recipe.json");
        RecipeJson.write(RecipeJson.toJson(learned.recipe()), f);
        QuantRecipe back = RecipeJson.read(f);
        assertArrayEquals(q, back.weightLevels().get("conv2"));
        assertEquals(0.0, Nets.outputError(learned.quantized(), FakeQuantPass.apply(learned.floatGraph(), back)));

        Path file = tmp.resolve("q.onnx");
        Deployment.export(learned.floatGraph(), learned.recipe(), "residual", file, false, null, 2);
        assertTrue(Nets.outputError(learned.quantized(), OnnxModel.load(file).graph()) < 1e-9);
        // The same seed gives the same integers.
        PostTrainingQuantizer.Result again = PostTrainingQuantizer.run(model, plain.withRefiners(
                List.of(Refiners.BRECQ)).withReconstruction(s), calib, 2, Progress.NONE);
        assertArrayEquals(q, again.recipe().weightLevels().get("conv2"));
    }

    @Test
    void learnedStepsShrinkTheWideStepsOfMinMaxAndLoseLess() {
        Graph model = Nets.residual(5, false);
        Batches calib = Nets.calibration(21);
        // conv2 and conv3 read 4-bit ReLU outputs, with minmax's steps: wide, as they clip nothing.
        QuantConfig plain = QuantConfig.uniform(8, 4).withEstimator("minmax").withRefiners(List.of(Refiners.ADAROUND));
        PostTrainingQuantizer.Result kept = PostTrainingQuantizer.run(model, plain.withReconstruction(
                new Reconstruction.Settings(20, 16, 0.01, Reconstruction.Loss.MSE, 0, 0)), calib, 2, Progress.NONE);
        PostTrainingQuantizer.Result learned = PostTrainingQuantizer.run(model, plain.withReconstruction(
                new Reconstruction.Settings(20, 16, 0.01, Reconstruction.Loss.MSE, 400, 0)), calib, 2, Progress.NONE);
        for (String relu : List.of("relu1_out", "relu2_out")) {
            double before = kept.recipe().activation(relu).params().scale(0);
            double after = learned.recipe().activation(relu).params().scale(0);
            assertTrue(after < before, relu + " step " + before + " → " + after);
        }
        assertEquals(kept.recipe().activation("x").params(), learned.recipe().activation("x").params());   // 8-bit
        double e0 = Nets.outputError(kept.floatGraph(), kept.quantized());
        double e1 = Nets.outputError(learned.floatGraph(), learned.quantized());
        assertTrue(e1 < 0.9 * e0, "output error " + e0 + " → " + e1);
    }

    @Test
    void fisherNeedsLabels() {
        QuantConfig c = QuantConfig.uniform(4, 8).withRefiners(List.of(Refiners.BRECQ)).withReconstruction(
                new Reconstruction.Settings(10, 8, 0.01, Reconstruction.Loss.FISHER, 0, 0));
        BadInputException e = assertThrows(BadInputException.class, () -> PostTrainingQuantizer.run(
                Nets.residual(5, false), c, Nets.calibration(21), 2, Progress.NONE));
        assertTrue(e.getMessage().contains("--recon-loss fisher"), e.getMessage());
        assertThrows(BadInputException.class, () -> Reconstruction.Loss.of("l1"));
        assertThrows(BadInputException.class, () -> new Reconstruction.Settings(0, 8, 0.01,
                Reconstruction.Loss.MSE, 0, 0));
    }

    @Test
    void recipeLevelsOutsideTheGridOrOfTheWrongLengthAreRefused() {
        QuantRecipe r = recipe(4);
        QuantRecipe.LayerQuant l = r.layer("conv2");
        Graph g = PostTrainingQuantizer.prepare(Nets.residual(5, false));
        Tensor w = g.weight(l.weight());
        assertThrows(IllegalArgumentException.class, () -> r.withWeightLevels("conv2", new int[3]).quantizedWeight(l, w));
        int[] big = new int[w.size()];
        big[0] = 8;   // a 4-bit signed grid ends at 7
        assertThrows(IllegalArgumentException.class, () -> r.withWeightLevels("conv2", big).quantizedWeight(l, w));
    }
}

package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multipoint quantization: the pursuit, the choice of channels, the size, the recipe file and the export. */
class MultipointTest {
    @TempDir
    Path tmp;

    @Test
    void eachPointCutsTheResidualAndStaysOnTheGrid() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] w = new float[200];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        IntGrid grid = new IntGrid(3, true);
        float[] r = w.clone();
        double previous = squares(r);
        for (int k = 0; k < 4; k++) {
            QuantRecipe.ExtraPoint p = Multipoint.bestPoint(7, r, grid);
            assertEquals(7, p.channel());
            int[] v = p.levels();
            for (int i = 0; i < r.length; i++) {
                assertTrue(v[i] >= grid.qmin() && v[i] <= grid.qmax());
                r[i] -= v[i] * p.scale();
            }
            double now = squares(r);
            assertTrue(now < 0.5 * previous, "point " + k + ": " + previous + " → " + now);
            previous = now;
        }
    }

    private static double squares(float[] r) {
        double s = 0;
        for (float v : r) {
            s += v * v;
        }
        return s;
    }

    @Test
    void aFitInTheOutputCancelsTheShiftThatInputsWithAMeanTurnAWeightErrorInto() {
        SplittableRandom rnd = new SplittableRandom(8);
        int k = 60, samples = 4000;
        float[] r = new float[k], mean = new float[k], variance = new float[k];
        for (int i = 0; i < k; i++) {
            r[i] = (float) (rnd.nextGaussian() * 0.3 + 0.05);
            mean[i] = 1f;
            variance[i] = 0.05f;
        }
        IntGrid grid = new IntGrid(3, true);
        QuantRecipe.ExtraPoint plain = Multipoint.bestPoint(0, r, grid);
        QuantRecipe.ExtraPoint output = Multipoint.bestPoint(0, r, grid, mean, variance);
        double plainError = 0, outputError = 0;
        for (int n = 0; n < samples; n++) {
            double ep = 0, eo = 0;
            for (int i = 0; i < k; i++) {
                double x = mean[i] + Math.sqrt(variance[i]) * rnd.nextGaussian();
                ep += (r[i] - plain.levels()[i] * plain.scale()) * x;
                eo += (r[i] - output.levels()[i] * output.scale()) * x;
            }
            plainError += ep * ep;
            outputError += eo * eo;
        }
        assertTrue(outputError < 0.8 * plainError, "output error " + plainError + " → " + outputError);
    }

    @Test
    void channelIndexFollowsTheAxis() {
        int[][] rows = Multipoint.channelIndex(new int[] {3, 2, 2}, 0);
        assertArrayEquals(new int[] {4, 5, 6, 7}, rows[1]);
        int[][] cols = Multipoint.channelIndex(new int[] {4, 3}, 1);
        assertArrayEquals(new int[] {1, 4, 7, 10}, cols[1]);
    }

    @Test
    void extraPointsLowerTheErrorWithinTheirBudgetAndSurviveTheRecipeAndTheExport() {
        Graph model = Nets.residual(5, false);
        Batches calib = Nets.calibration(21);
        QuantConfig plain = QuantConfig.uniform(3, 8).withKeepFirstLast(false);
        PostTrainingQuantizer.Result one = PostTrainingQuantizer.run(model, plain, calib, 2, Progress.NONE);
        PostTrainingQuantizer.Result multi = PostTrainingQuantizer.run(model, plain.withMultipoint(0.5), calib, 2,
                Progress.NONE);
        QuantRecipe r = multi.recipe();
        // conv layers of 8 channels take at most 4 points, the classifier (5 outputs) at most 2; conv2 is grouped (2
        // groups), so its branch gathers each point's input channels.
        assertEquals(List.of("conv1", "conv2", "conv3", "fc"), List.copyOf(r.extraPoints().keySet()));
        assertTrue(r.extraPoints().get("conv2").size() <= 4 && r.extraPoints().get("fc").size() <= 2);
        double before = Nets.outputError(one.floatGraph(), one.quantized());
        double after = Nets.outputError(multi.floatGraph(), multi.quantized());
        assertTrue(after < 0.7 * before, "output error " + before + " → " + after);
        // Each point is counted: its integers at 3 bits, a scale and a zero point.
        long extraBits = 0;
        for (var e : r.extraPoints().entrySet()) {
            for (QuantRecipe.ExtraPoint p : e.getValue()) {
                extraBits += WeightSize.layerBits(p.levels().length, 3, 1);
            }
        }
        long grown = WeightSize.bytes(multi.floatGraph(), r) - WeightSize.bytes(one.floatGraph(), one.recipe());
        assertTrue(Math.abs(grown - extraBits / 8.0) <= 1, grown + " bytes for " + extraBits + " bits");

        Path f = tmp.resolve("recipe.json");
        RecipeJson.write(RecipeJson.toJson(r), f);
        QuantRecipe back = RecipeJson.read(f);
        assertEquals(0.0, Nets.outputError(multi.quantized(), FakeQuantPass.apply(multi.floatGraph(), back)));

        Path file = tmp.resolve("q.onnx");
        Deployment.export(multi.floatGraph(), r, "residual", file, false, null, 2);
        assertTrue(Nets.outputError(multi.quantized(), OnnxModel.load(file).graph()) < 1e-9);
    }

    @Test
    void badSettingsAreRefused() {
        QuantConfig plain = QuantConfig.uniform(3, 8);
        assertThrows(BadInputException.class, () -> plain.withMultipoint(1.5));
        assertThrows(BadInputException.class, () -> plain.withMultipoint(-0.1));
        assertThrows(BadInputException.class, () -> plain.withRefiners(List.of(Refiners.BRECQ)).withMultipoint(0.1));
        assertThrows(BadInputException.class, () -> plain.withDefaults(new QuantConfig.LayerSpec(3, 8, false, "mse", "mse"))
                .withMultipoint(0.1));
    }
}

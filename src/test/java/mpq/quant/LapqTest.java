package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import mpq.Nets;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** LAPQ: the Lp ranges, the quadratic fit, the incremental loss against whole evaluations, and the refiner. */
class LapqTest {
    @Test
    void largerPowersClipLessAndPowerTwoIsMse() {
        Histogram h = new Histogram();
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = new float[20000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 1.5);
        }
        h.add(x, 0, x.length);
        IntGrid grid = new IntGrid(4, true);
        double p2 = new LpEstimator(2).estimate(h, grid, true).hi();
        double p4 = new LpEstimator(4).estimate(h, grid, true).hi();
        assertEquals(Estimators.byName("mse").estimate(h, grid, true).hi(), p2);
        assertEquals(p4, Estimators.byName("lp:4").estimate(h, grid, true).hi());
        assertTrue(p4 > p2 * 1.05, "p 2 clips at " + p2 + ", p 4 at " + p4);
        assertTrue(p4 < h.maxAbs());
        assertThrows(BadInputException.class, () -> Estimators.byName("lp:x"));
        assertThrows(BadInputException.class, () -> Estimators.byName("lp:-1"));
    }

    @Test
    void theQuadraticFitFindsAParabolasVertex() {
        double[] x = Lapq.POWERS, y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 0.7 * (x[i] - 2.9) * (x[i] - 2.9) + 0.1;
        }
        assertEquals(2.9, Lapq.quadraticVertex(x, y), 1e-9);
        for (int i = 0; i < x.length; i++) {
            y[i] = -y[i];
        }
        assertTrue(Double.isNaN(Lapq.quadraticVertex(x, y)), "a parabola that opens downwards has no minimum");
    }

    /** The calibration data with random labels of the residual network's 5 classes. */
    private static Batches labelled(long seed) {
        Batches plain = Nets.calibration(seed);
        List<int[]> labels = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Tensor t : plain.list()) {
            labels.add(rnd.ints(t.dim(0), 0, 5).toArray());
        }
        return new Batches(plain.list(), labels, "random, labelled");
    }

    @Test
    void theLossFromACachedCutIsTheLossOfTheWholeNetwork() {
        Graph model = Nets.residual(5, false);
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(model, QuantConfig.uniform(4, 4)
                .withKeepFirstLast(false), labelled(21), 2, Progress.NONE);
        List<LapqLoss.Quantizer> qs = Lapq.quantizers(r.recipe());
        assertEquals(List.of(true, true, true, true), qs.stream().filter(LapqLoss.Quantizer::weight)
                .map(LapqLoss.Quantizer::weight).toList());
        assertTrue(qs.size() > 5, qs.toString());
        LapqLoss.Examples ex = LapqLoss.Examples.of(r.floatGraph(), labelled(21), 40, false, 2);
        assertEquals(40, ex.count());
        SplittableRandom rnd = new SplittableRandom(9);
        double[] m = new double[qs.size()];
        Arrays.fill(m, 1);
        try (LapqLoss cached = new LapqLoss(r.floatGraph(), r.recipe(), qs, ex, 2)) {
            // Line searches along single quantizers (late ones, then early ones), and moves of all at once.
            for (int step = 0; step < 40; step++) {
                if (step % 10 == 9) {
                    for (int i = 0; i < m.length; i++) {
                        m[i] *= 0.9 + 0.2 * rnd.nextDouble();
                    }
                } else {
                    int i = (step * 7) % m.length;
                    m[i] = 0.6 + 0.8 * rnd.nextDouble();
                }
                double incremental = cached.at(m);
                double whole;
                try (LapqLoss fresh = new LapqLoss(r.floatGraph(), cached.recipeAt(m), qs, ex, 2)) {
                    double[] ones = new double[m.length];
                    Arrays.fill(ones, 1);
                    whole = fresh.at(ones);
                }
                assertEquals(whole, incremental, 1e-6 * Math.abs(whole), "step " + step);
            }
        }
    }

    @Test
    void lapqLowersTheCalibrationLossAndKeepsTheGrids() {
        Graph model = Nets.residual(5, false);
        Batches calib = labelled(21);
        QuantConfig plain = QuantConfig.uniform(3, 3).withKeepFirstLast(false).withEstimator("minmax");
        PostTrainingQuantizer.Result before = PostTrainingQuantizer.run(model, plain, calib, 2, Progress.NONE);
        PostTrainingQuantizer.Result after = PostTrainingQuantizer.run(model, plain.withRefiners(
                List.of(Refiners.LAPQ)).withLapq(new Lapq.Settings(Lapq.Loss.KL, 1, 64)), calib, 2, Progress.NONE);
        List<LapqLoss.Quantizer> qs = Lapq.quantizers(before.recipe());
        LapqLoss.Examples ex = LapqLoss.Examples.of(before.floatGraph(), calib, 64, true, 2);
        double[] ones = new double[qs.size()];
        Arrays.fill(ones, 1);
        double lossBefore, lossAfter;
        try (LapqLoss l = new LapqLoss(before.floatGraph(), before.recipe(), qs, ex, 2)) {
            lossBefore = l.at(ones);
        }
        try (LapqLoss l = new LapqLoss(after.floatGraph(), after.recipe(), qs, ex, 2)) {
            lossAfter = l.at(ones);
        }
        assertTrue(lossAfter < 0.7 * lossBefore, "loss " + lossBefore + " → " + lossAfter);
        for (QuantRecipe.LayerQuant l : after.recipe().layers()) {
            QuantParams was = before.recipe().layer(l.name()).weightParams();
            assertEquals(was.grid(), l.weightParams().grid());
            assertEquals(was.axis(), l.weightParams().axis());
        }
        // Unlabelled data: ce is refused, kl (and auto) work.
        Batches unlabelled = Nets.calibration(21);
        assertThrows(BadInputException.class, () -> PostTrainingQuantizer.run(model, plain.withRefiners(
                List.of(Refiners.LAPQ)).withLapq(new Lapq.Settings(Lapq.Loss.CE, 1, 64)), unlabelled, 2,
                Progress.NONE));
        PostTrainingQuantizer.Result kl = PostTrainingQuantizer.run(model, plain.withRefiners(List.of(Refiners.LAPQ))
                .withLapq(new Lapq.Settings(Lapq.Loss.AUTO, 0, 64)), unlabelled, 2, Progress.NONE);
        assertEquals(before.recipe().layers().size(), kl.recipe().layers().size());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(BadInputException.class, () -> new Lapq.Settings(Lapq.Loss.CE, -1, 10));
        assertThrows(BadInputException.class, () -> new Lapq.Settings(Lapq.Loss.CE, 1, 0));
        assertThrows(BadInputException.class, () -> Lapq.Loss.of("mse"));
    }
}

package mpq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mpq.Nets;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.quant.Bits;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every sensitivity metric on a small residual CNN: shape, sign, and fewer bits never looking safer. */
class MetricsTest {
    private static SensitivityContext context() {
        return context(Bits.cells(new int[] {2, 4, 8}, new int[] {8}));
    }

    private static SensitivityContext context(List<Bits> cells) {
        return context(cells, QuantConfig.uniform(8, 8));
    }

    /**
     * The small residual CNN calibrated on 2 batches of 16 random inputs with labels 0–4 (shared by the metric tests).
     */
    static SensitivityContext context(List<Bits> cells, QuantConfig cfg) {
        return context(41, cells, cfg);
    }

    static SensitivityContext context(long seed, List<Bits> cells, QuantConfig cfg) {
        Graph g = Nets.residual(seed, true);
        Nets n = new Nets(seed + 1);
        List<Tensor> xs = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            xs.add(n.random(2.0, 16, 3, 8, 8));
            int[] l = new int[16];
            for (int i = 0; i < 16; i++) {
                l[i] = (i * 7 + b) % 5;
            }
            labels.add(l);
        }
        Batches data = new Batches(xs, labels, "random");
        PostTrainingQuantizer.Calibrated cal = PostTrainingQuantizer.calibrate(g, data, 2, Progress.NONE);
        return new SensitivityContext(cal, cfg, cells, 2, 0, 1e-3, 30);
    }

    @Test
    void everyMetricRanksFewerBitsAsMoreSensitive() {
        SensitivityContext ctx = context();
        for (String name : Metrics.NAMES) {
            SensitivityTable t = Metrics.byName(name).compute(ctx, Progress.NONE);
            assertEquals(name, t.metric());
            assertEquals(List.of("conv1", "conv2", "conv3", "fc"), t.layers());
            for (int l = 0; l < 4; l++) {
                assertTrue(t.value(l, 0) >= t.value(l, 1) && t.value(l, 1) >= t.value(l, 2) && t.value(l, 2) >= 0,
                        name + " layer " + l + ": " + t.value(l, 0) + ", " + t.value(l, 1) + ", " + t.value(l, 2));
            }
            assertTrue(t.value(0, 0) + t.value(1, 0) + t.value(2, 0) + t.value(3, 0) > 0, name + " sees something");
        }
    }

    @Test
    void withSeveralActivationWidthsEveryMetricCountsWhatNarrowerInputsCost() {
        SensitivityContext ctx = context(Bits.cells(new int[] {4, 8}, new int[] {4, 8}));
        assertEquals(List.of(new Bits(4, 4), new Bits(8, 4), new Bits(4, 8), new Bits(7, 8)), ctx.cells(),
                "W8A8 is W7A8 on the default target; W8A4 is not narrowed");
        for (String name : Metrics.NAMES) {
            if (name.equals("clado") || name.equals("brecq-block")) {
                continue;   // measure weight bits at one activation width (and say so)
            }
            SensitivityTable t = Metrics.byName(name).compute(ctx, Progress.NONE);
            for (int l = 0; l < 4; l++) {
                // 4-bit inputs cost more than 8-bit ones at the same weights (W4A4 against W4A8)
                assertTrue(t.value(l, 0) > t.value(l, 2), name + " layer " + l + ": " + t.value(l, 0) + " vs "
                        + t.value(l, 2));
                assertTrue(t.value(l, 1) >= t.value(l, 3) && t.value(l, 3) >= 0, name + " layer " + l);
            }
        }
    }

    @Test
    void withSparqEveryMetricCountsWhatTheWindowsCostTheLayersThatReadThem() {
        List<Bits> cells = Bits.cells(new int[] {8}, new int[] {4, 8});
        SensitivityContext plain = context(cells);
        SensitivityContext windowed = context(cells, QuantConfig.uniform(8, 8).withSparq(
                new mpq.quant.SparqWindows(2, mpq.quant.SparqWindows.Placements.TWO,
                        mpq.quant.SparqWindows.Rounding.FLOOR, false)));
        for (String name : Metrics.NAMES) {
            if (name.equals("ompq") || name.equals("clado") || name.equals("brecq-block")) {
                continue;   // ompq: importance from float features, no quantization error; clado, brecq-block: weights only
            }
            SensitivityTable p = Metrics.byName(name).compute(plain, Progress.NONE);
            SensitivityTable w = Metrics.byName(name).compute(windowed, Progress.NONE);
            // conv1 reads the signed model input, which takes no windows; conv2, conv3 and fc read ReLU outputs.
            assertEquals(p.value(0, 1), w.value(0, 1), 1e-4 * Math.abs(p.value(0, 1)), name + " conv1");   // power iteration: not bit-exact
            for (int l = 1; l < 4; l++) {
                assertTrue(w.value(l, 1) > p.value(l, 1), name + " layer " + l + " at A8: " + w.value(l, 1) + " vs "
                        + p.value(l, 1));
            }
        }
    }

    @Test
    void unknownMetricListsTheKnownOnes() {
        BadInputException e = assertThrows(BadInputException.class, () -> Metrics.byName("hessian"));
        assertTrue(e.getMessage().contains("hawq, hawq-v2, zeroq-kl, mse, fisher"), e.getMessage());
    }
}

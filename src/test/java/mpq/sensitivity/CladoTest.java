package mpq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import mpq.base.Progress;
import mpq.hardware.LayerShape;
import mpq.hardware.SizeCost;
import mpq.hardware.Budget;
import mpq.quant.Bits;
import mpq.quant.QuantConfig;
import mpq.search.Allocation;
import mpq.search.AllocationProblem;
import mpq.search.IqpAllocator;
import mpq.search.Problems;
import org.junit.jupiter.api.Test;

/** CLADO's quadratic model: PSD, symmetric, and with no budget the widest bits everywhere. */
class CladoTest {
    @Test
    void theProjectionKeepsAPsdMatrixAndClipsNegativeEigenvalues() {
        double[][] psd = {{2, 1}, {1, 2}};   // eigenvalues 1 and 3
        double[][] p = PsdProjection.project(psd);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(psd[i][j], p[i][j], 1e-12);
            }
        }
        double[][] q = PsdProjection.project(new double[][] {{1, 2}, {2, 1}});   // eigenvalues 3 and −1
        // The nearest PSD matrix keeps the eigenvalue 3 on (1, 1)/√2: 1.5 everywhere.
        for (double[] row : q) {
            for (double v : row) {
                assertEquals(1.5, v, 1e-12);
            }
        }
    }

    private static SensitivityContext context(QuantConfig cfg) {
        return MetricsTest.context(51, Bits.cells(new int[] {2, 3, 4, 8}, new int[] {8}), cfg);
    }

    @Test
    void withNoBudgetTheWidestBitsWinAndTheModelIsPsd() {
        SensitivityContext ctx = context(QuantConfig.uniform(8, 8).withKeepFirstLast(false));
        SensitivityTable t = CladoMetric.clado().compute(ctx, Progress.NONE);
        assertNotNull(t.interactions());
        int nc = t.cells().size(), n = t.layers().size() * nc;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                assertEquals(t.interactions()[a][b], t.interactions()[b][a], 1e-15);
            }
        }
        for (int l = 0; l < t.layers().size(); l++) {
            for (int k = 0; k < nc; k++) {
                assertTrue(t.value(l, k) >= 0, "values are halves of a PSD matrix's diagonal");
            }
        }
        // Every allocation costs at least what the widest cells cost, and without a budget the IQP takes them.
        List<LayerShape> shapes = LayerShape.of(ctx.graph());
        AllocationProblem free = Problems.build(t, shapes, Set.of(), new Bits(8, 8), true, List.of(), List.of(),
                List.of());
        Allocation a = new IqpAllocator().solve(free);
        int widest = t.indexOf(ctx.cells().stream().max(java.util.Comparator.comparingInt(Bits::w)).orElseThrow());
        for (int c : a.choice()) {
            assertEquals(widest, c, "no budget: the widest cell everywhere");
        }
        // With a budget of uniform 3-bit weights the IQP finds an allocation within it.
        double bits3 = 0;
        for (LayerShape s : shapes) {
            bits3 += new SizeCost().cost(s, 3, 8, true);
        }
        AllocationProblem tight = Problems.build(t, shapes, Set.of(), new Bits(8, 8), true,
                List.of(new Budget(new SizeCost(), bits3)), List.of(), List.of());
        Allocation b = new IqpAllocator().solve(tight);
        assertTrue(b.cost()[0] <= bits3);
        assertTrue(b.sensitivity() >= a.sensitivity());
    }

    @Test
    void brecqBlockMeasuresPairsWithinABlockOnlyAndNoBudgetKeepsTheWidestBits() {
        SensitivityContext ctx = context(QuantConfig.uniform(8, 8).withKeepFirstLast(false));
        SensitivityTable t = CladoMetric.brecqBlock().compute(ctx, Progress.NONE);
        SensitivityTable full = CladoMetric.clado().compute(ctx, Progress.NONE);
        int nc = t.cells().size();
        int conv2 = t.layers().indexOf("conv2"), conv3 = t.layers().indexOf("conv3");
        boolean crossInBlock = false;
        for (int l = 0; l < t.layers().size(); l++) {
            for (int m = 0; m < t.layers().size(); m++) {
                for (int k = 0; k < nc; k++) {
                    for (int j = 0; j < nc; j++) {
                        double v = t.interaction(l, k, m, j);
                        boolean sameBlock = (l == conv2 && m == conv3) || (l == conv3 && m == conv2);
                        if (!sameBlock) {
                            assertEquals(0.0, v, "layers " + l + ", " + m + " are in different blocks");
                        }
                        crossInBlock |= sameBlock && v != 0;
                    }
                }
            }
        }
        assertTrue(crossInBlock, "conv2 and conv3 (one residual block) interact");
        // The singles are CLADO's measurements, before its projection: each at least 0.
        for (int l = 0; l < t.layers().size(); l++) {
            for (int k = 0; k < nc; k++) {
                assertTrue(t.value(l, k) >= 0);
            }
        }
        List<LayerShape> shapes = LayerShape.of(ctx.graph());
        AllocationProblem free = Problems.build(t, shapes, Set.of(), new Bits(8, 8), true, List.of(), List.of(),
                List.of());
        int widest = t.indexOf(ctx.cells().stream().max(java.util.Comparator.comparingInt(Bits::w)).orElseThrow());
        for (int c : new mpq.search.GeneticAllocator().solve(free).choice()) {
            assertEquals(widest, c, "no budget: the widest cell everywhere");
        }
        assertEquals(full.layers(), t.layers());
    }
}

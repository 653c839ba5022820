package mpq.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import mpq.base.Progress;
import mpq.hardware.LayerShape;
import mpq.quant.Bits;
import org.junit.jupiter.api.Test;

/**
 * HAQ's agent on a synthetic problem: six layers with (w, a) options, a latency-like cost macs·w·a, and an
 * "accuracy" that falls with each layer's quantization noise, weighted by a per-layer sensitivity the agent cannot
 * see. Two layers share an input and two are tied.
 */
class HaqAllocatorTest {
    private static final List<Bits> CELLS = Bits.cells(new int[] {2, 4, 6, 8}, new int[] {2, 4, 6, 8});
    private static final double[] SENSITIVE = {40, 1, 0.2, 10, 0.5, 3};

    private static AllocationProblem problem(double fraction) {
        List<LayerOptions> layers = new ArrayList<>();
        double full = 0;
        for (int l = 0; l < SENSITIVE.length; l++) {
            double[] cost = new double[CELLS.size()];
            for (int k = 0; k < CELLS.size(); k++) {
                cost[k] = (1 + l) * 100.0 * CELLS.get(k).w() * CELLS.get(k).a();
            }
            full += cost[CELLS.size() - 1];
            layers.add(new LayerOptions("l" + l, CELLS, new double[CELLS.size()], new double[][] {cost}));
        }
        return new AllocationProblem(layers, List.of("latency"), new double[] {fraction * full},
                List.<int[]>of(new int[] {4, 5}), List.<int[]>of(new int[] {1, 2}));
    }

    private static double accuracy(AllocationProblem p, Allocation a) {
        double loss = 0;
        for (int l = 0; l < SENSITIVE.length; l++) {
            Bits b = p.layers().get(l).cells().get(a.choice()[l]);
            loss += SENSITIVE[l] * (Math.pow(4, -b.w()) + Math.pow(4, -b.a()));
        }
        return Math.max(10, 100 - 100 * loss);   // chance is 10%, as for ten classes
    }

    private static List<LayerShape> shapes() {
        List<LayerShape> s = new ArrayList<>();
        for (int l = 0; l < SENSITIVE.length; l++) {
            s.add(new LayerShape("l" + l, "Conv", 100L * (l + 1), 4 * (l + 1), 1000L * (l + 1), 64, 64));
        }
        return s;
    }

    @Test
    void meetsTheBudgetKeepsTheConstraintsAndBeatsItsRandomWarmUp() {
        AllocationProblem p = problem(0.35);
        HaqAllocator.Settings s = new HaqAllocator.Settings(150, 20, 0.5, 0.97, 11, 1, "top1", 64);
        List<Double> seen = new ArrayList<>();
        ToDoubleFunction<Allocation> measure = a -> {
            double acc = accuracy(p, a);
            seen.add(acc);
            return acc;
        };
        Allocation a = new HaqAllocator(s).solve(p, shapes(), measure, Progress.NONE);
        assertTrue(a.cost()[0] <= p.budgets()[0], a.cost()[0] + " > " + p.budgets()[0]);
        assertEquals(a.choice()[4], a.choice()[5], "tied layers take one option");
        assertEquals(CELLS.get(a.choice()[1]).a(), CELLS.get(a.choice()[2]).a(), "one input, one activation width");
        double warm = seen.subList(0, 20).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double late = seen.subList(seen.size() - 10, seen.size()).stream().mapToDouble(Double::doubleValue).average()
                .orElseThrow();
        assertTrue(late > warm + 20, "the last policies measured average " + late + ", the random warm-up " + warm);
        assertEquals(seen.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), accuracy(p, a), 1e-9,
                "the best policy measured is returned");
        Allocation again = new HaqAllocator(s).solve(p, shapes(), x -> accuracy(p, x), Progress.NONE);
        assertArrayEquals(a.choice(), again.choice(), "seeded: the same policy again");
    }

    @Test
    void lowersFromTheLastLayerBackUntilTheBudgetHolds() {
        AllocationProblem p = problem(0.7);
        AllocationProblem.Merged m = p.merged();
        int n = p.layers().size();
        int[] w = new int[n], a = new int[n];
        int[][] wo = new int[n][], ao = new int[n][];
        java.util.Arrays.fill(w, 8);
        java.util.Arrays.fill(a, 8);
        for (int l = 0; l < n; l++) {
            wo[l] = new int[] {2, 4, 6, 8};
            ao[l] = new int[] {2, 4, 6, 8};
        }
        Allocation got = m.expand(p, HaqAllocator.withinBudgets(m, p, w, a, wo, ao));
        assertTrue(got.cost()[0] <= p.budgets()[0]);
        Bits last = CELLS.get(got.choice()[n - 1]);
        for (int l = 0; l < 3; l++) {   // lowering layers 5, 4 and 3 one step each is enough at 0.7
            assertEquals(new Bits(8, 8), CELLS.get(got.choice()[l]), "layer " + l + " keeps its bits");
        }
        assertTrue(last.w() * last.a() < 64, last.toString());
        SplittableRandom r = new SplittableRandom(2);
        for (int trial = 0; trial < 50; trial++) {
            for (int l = 0; l < n; l++) {
                w[l] = wo[l][r.nextInt(4)];
                a[l] = ao[l][r.nextInt(4)];
            }
            AllocationProblem tight = problem(0.07 + 0.9 * r.nextDouble());   // all W2A2 is 1/16 of W8A8
            AllocationProblem.Merged tm = tight.merged();
            Allocation x = tm.expand(tight, HaqAllocator.withinBudgets(tm, tight, w, a, wo, ao));
            assertTrue(x.cost()[0] <= tight.budgets()[0] * (1 + 1e-12), "trial " + trial);
        }
    }
}

package mpq.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mpq.quant.Bits;
import org.junit.jupiter.api.Test;

/** The allocators against brute force on small random instances. */
class AllocatorsTest {
    private static final int[] BITS = {2, 3, 4, 6, 8};
    private static final List<Bits> CELLS = Bits.cells(BITS, new int[] {8});

    /** Layers whose size cost is params·bits (integers) and whose sensitivity falls with bits, like real ones. */
    private static AllocationProblem random(SplittableRandom r, int layers, double budgetFraction, List<int[]> ties) {
        List<LayerOptions> list = new ArrayList<>();
        double maxCost = 0, minCost = 0;
        for (int l = 0; l < layers; l++) {
            int params = 1 + r.nextInt(40);
            int macsPerParam = 1 + r.nextInt(16);   // layers differ in compute per weight, as convs on maps of different sizes
            double scale = Math.exp(r.nextDouble() * 4);
            double[] sens = new double[BITS.length];
            double[][] cost = new double[2][BITS.length];
            for (int k = 0; k < BITS.length; k++) {
                sens[k] = scale * Math.pow(2, -2 * BITS[k]) * (0.5 + r.nextDouble());
                cost[0][k] = params * BITS[k];
                cost[1][k] = (double) params * macsPerParam * BITS[k] * 8;   // BOPs at 8-bit activations
            }
            maxCost += cost[0][BITS.length - 1];
            minCost += cost[0][0];
            list.add(new LayerOptions("l" + l, CELLS, sens, cost));
        }
        double budget = Math.floor(minCost + budgetFraction * (maxCost - minCost));
        return new AllocationProblem(list, List.of("size", "bops"), new double[] {budget, Double.POSITIVE_INFINITY},
                ties, List.of());
    }

    /**
     * Layers with (w, a) cells whose BOPs cost is macs·w·a and whose sensitivity falls with both; the second budget
     * is on BOPs. Layers in a shared group read one activation.
     */
    private static AllocationProblem randomCells(SplittableRandom r, int layers, List<int[]> shared) {
        List<Bits> cells = Bits.cells(new int[] {2, 4, 8}, new int[] {4, 8});
        List<LayerOptions> list = new ArrayList<>();
        double minB = 0, maxB = 0;
        for (int l = 0; l < layers; l++) {
            int params = 1 + r.nextInt(40), macs = params * (1 + r.nextInt(16));
            double ws = Math.exp(r.nextDouble() * 4), as = Math.exp(r.nextDouble() * 4);
            double[] sens = new double[cells.size()];
            double[][] cost = new double[2][cells.size()];
            for (int k = 0; k < cells.size(); k++) {
                Bits c = cells.get(k);
                sens[k] = ws * Math.pow(2, -2 * c.w()) + as * Math.pow(2, -2 * c.a());
                cost[0][k] = params * c.w();
                cost[1][k] = (double) macs * c.w() * c.a();
            }
            minB += cost[1][0];
            maxB += cost[1][cells.size() - 1];
            list.add(new LayerOptions("l" + l, cells, sens, cost));
        }
        double bops = Math.floor(minB + (0.2 + 0.6 * r.nextDouble()) * (maxB - minB));
        return new AllocationProblem(list, List.of("size", "bops"), new double[] {Double.POSITIVE_INFINITY, bops},
                List.of(), shared);
    }

    /** The true optimum by enumerating every choice (ties and shared inputs respected). */
    private static Allocation bruteForce(AllocationProblem p) {
        int n = p.layers().size();
        int options = p.layers().getFirst().options();
        int[] choice = new int[n];
        Allocation best = null;
        int total = (int) Math.pow(options, n);
        for (int code = 0; code < total; code++) {
            int c = code;
            for (int l = 0; l < n; l++) {
                choice[l] = c % options;
                c /= options;
            }
            boolean ok = true;
            for (int[] t : p.ties()) {
                for (int l : t) {
                    ok &= choice[l] == choice[t[0]];
                }
            }
            for (int[] g : p.sharedInputs()) {
                for (int l : g) {
                    ok &= p.layers().get(l).cells().get(choice[l]).a() == p.layers().get(g[0]).cells().get(choice[g[0]]).a();
                }
            }
            Allocation a = Allocation.of(p, choice);
            boolean fits = true;
            for (int r = 0; r < a.cost().length; r++) {
                fits &= a.cost()[r] <= p.budgets()[r];
            }
            if (ok && fits && (best == null || a.sensitivity() < best.sensitivity())) {
                best = a;
            }
        }
        return best;
    }

    @Test
    void layersThatReadOneActivationGetTheSameActivationBits() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            List<int[]> shared = List.of(new int[] {0, 2, 3});
            AllocationProblem p = randomCells(r, 4, shared);
            Allocation want = bruteForce(p);
            for (Allocator alloc : new Allocator[] {new IlpAllocator(), new ParetoAllocator(), new GreedyAllocator()}) {
                Allocation got = alloc.solve(p);
                assertTrue(got.cost()[1] <= p.budgets()[1], alloc.name() + " trial " + trial);
                int a0 = p.layers().get(0).cells().get(got.choice()[0]).a();
                for (int l : shared.getFirst()) {
                    assertEquals(a0, p.layers().get(l).cells().get(got.choice()[l]).a(), alloc.name() + ": one width");
                }
                if (!alloc.name().equals("greedy")) {
                    assertEquals(want.sensitivity(), got.sensitivity(), 1e-9 * want.sensitivity(),
                            alloc.name() + " trial " + trial);
                } else {
                    assertTrue(got.sensitivity() >= want.sensitivity() * (1 - 1e-9));
                }
            }
        }
    }

    @Test
    void paretoFindsTheOptimumOnEveryInstance() {
        SplittableRandom r = new SplittableRandom(1);
        for (int trial = 0; trial < 40; trial++) {
            List<int[]> ties = trial % 3 == 0 ? List.of(new int[] {0, 2}) : List.of();
            AllocationProblem p = random(r, 5, r.nextDouble(), ties);
            Allocation want = bruteForce(p), got = new ParetoAllocator().solve(p);
            assertEquals(want.sensitivity(), got.sensitivity(), 1e-12 * Math.abs(want.sensitivity()), "trial " + trial);
            assertTrue(got.cost()[0] <= p.budgets()[0]);
            for (int[] t : ties) {
                assertEquals(got.choice()[t[0]], got.choice()[t[1]], "tied layers share bits");
            }
        }
    }

    @Test
    void ilpFindsTheOptimumUnderTwoBudgetsAndTies() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 30; trial++) {
            List<int[]> ties = trial % 2 == 0 ? List.of(new int[] {1, 3}) : List.of();
            AllocationProblem one = random(r, 5, r.nextDouble(), ties);
            // A second, independent budget on the BOPs row, between its extremes.
            double minB = 0, maxB = 0;
            for (LayerOptions l : one.layers()) {
                minB += l.cost()[1][0];
                maxB += l.cost()[1][BITS.length - 1];
            }
            double bops = Math.floor(minB + r.nextDouble() * (maxB - minB));
            AllocationProblem p = new AllocationProblem(one.layers(), one.resources(),
                    new double[] {one.budgets()[0], Math.max(bops, minB)}, ties, List.of());
            Allocation want = bruteForce(p), got = new IlpAllocator().solve(p);
            assertEquals(want.sensitivity(), got.sensitivity(), 1e-9 * Math.abs(want.sensitivity()), "trial " + trial);
            assertTrue(got.cost()[0] <= p.budgets()[0] && got.cost()[1] <= p.budgets()[1]);
            for (int[] t : ties) {
                assertEquals(got.choice()[t[0]], got.choice()[t[1]]);
            }
        }
    }

    @Test
    void paretoFrontierIsTheOptimumAtEachOfItsCosts() {
        SplittableRandom r = new SplittableRandom(2);
        AllocationProblem p = random(r, 4, 1.0, List.of());
        List<Allocation> frontier = new ParetoAllocator().frontier(p);
        double prevCost = -1, prevSens = Double.POSITIVE_INFINITY;
        for (Allocation a : frontier) {
            assertTrue(a.cost()[0] > prevCost && a.sensitivity() < prevSens, "ordered and non-dominated");
            AllocationProblem at = new AllocationProblem(p.layers(), p.resources(),
                    new double[] {a.cost()[0], Double.POSITIVE_INFINITY});
            assertEquals(bruteForce(at).sensitivity(), a.sensitivity(), 1e-12 * a.sensitivity());
            prevCost = a.cost()[0];
            prevSens = a.sensitivity();
        }
        assertTrue(frontier.size() > 5);
    }

    @Test
    void greedyIsFeasibleAndNeverBeatsTheOptimum() {
        SplittableRandom r = new SplittableRandom(3);
        int optimal = 0;
        for (int trial = 0; trial < 40; trial++) {
            AllocationProblem p = random(r, 5, r.nextDouble(), List.of());
            Allocation want = bruteForce(p), got = new GreedyAllocator().solve(p);
            assertTrue(got.cost()[0] <= p.budgets()[0], "trial " + trial);
            assertTrue(got.sensitivity() >= want.sensitivity() - 1e-12 * want.sensitivity(), "trial " + trial);
            assertTrue(Double.isNaN(got.gap()), "a heuristic proves nothing");
            optimal += got.sensitivity() <= want.sensitivity() * (1 + 1e-9) ? 1 : 0;
        }
        assertTrue(optimal > 0, "greedy should at least sometimes be optimal");
    }

    @Test
    void lpRoundingIsFeasibleAndNoBetterThanTheOptimumAndLeavesNoUpgradeThatFits() {
        SplittableRandom r = new SplittableRandom(5);
        int optimal = 0;
        for (int trial = 0; trial < 40; trial++) {
            AllocationProblem p = random(r, 5, r.nextDouble(), List.of());
            Allocation want = bruteForce(p), got = new LpAllocator().solve(p);
            assertTrue(got.cost()[0] <= p.budgets()[0], "trial " + trial);
            assertTrue(got.sensitivity() >= want.sensitivity() - 1e-12 * want.sensitivity(), "trial " + trial);
            optimal += got.sensitivity() <= want.sensitivity() * (1 + 1e-9) ? 1 : 0;
            for (int l = 0; l < p.layers().size(); l++) {   // no single change both fits and lowers the sensitivity
                LayerOptions o = p.layers().get(l);
                for (int k = 0; k < o.options(); k++) {
                    boolean fits = got.cost()[0] - o.cost()[0][got.choice()[l]] + o.cost()[0][k] <= p.budgets()[0];
                    assertTrue(!fits || o.sensitivity()[k] >= o.sensitivity()[got.choice()[l]], "trial " + trial
                            + ": layer " + l + " could take option " + k);
                }
            }
        }
        assertTrue(optimal >= 20, "the rounded relaxation is mostly optimal on small instances: " + optimal + " of 40");
    }

    /** The same random problem with symmetric interactions between the options of different layers, of both signs. */
    private static AllocationProblem withInteractions(SplittableRandom r, AllocationProblem p) {
        int n = p.layers().stream().mapToInt(LayerOptions::options).sum();
        double[][] inter = new double[n][n];
        double scale = p.layers().stream().mapToDouble(o -> o.sensitivity()[0]).average().orElse(1);
        for (int l = 0; l < p.layers().size(); l++) {
            for (int m = l + 1; m < p.layers().size(); m++) {
                for (int k = 0; k < p.layers().get(l).options(); k++) {
                    for (int j = 0; j < p.layers().get(m).options(); j++) {
                        double v = scale * (r.nextDouble() - 0.3) * 0.5;
                        inter[p.index(l, k)][p.index(m, j)] = v;
                        inter[p.index(m, j)][p.index(l, k)] = v;
                    }
                }
            }
        }
        return new AllocationProblem(p.layers(), p.resources(), p.budgets(), p.ties(), p.sharedInputs(), inter);
    }

    @Test
    void iqpFindsTheOptimumWithInteractionsAndTies() {
        SplittableRandom r = new SplittableRandom(6);
        for (int trial = 0; trial < 25; trial++) {
            List<int[]> ties = trial % 3 == 0 ? List.of(new int[] {0, 2}) : List.of();
            AllocationProblem p = withInteractions(r, random(r, 4, r.nextDouble(), ties));
            Allocation want = bruteForce(p), got = new IqpAllocator().solve(p);
            assertTrue(got.cost()[0] <= p.budgets()[0], "trial " + trial);
            assertEquals(want.sensitivity(), got.sensitivity(), 1e-6 * Math.abs(want.sensitivity()) + 1e-12,
                    "trial " + trial);
            assertEquals(0, got.gap(), "trial " + trial + ": proven optimal");
            if (!ties.isEmpty()) {
                assertEquals(got.choice()[0], got.choice()[2]);
            }
        }
    }

    @Test
    void geneticIsFeasibleMostlyOptimalWithInteractionsAndTiesAndReproducible() {
        SplittableRandom r = new SplittableRandom(8);
        int optimal = 0;
        for (int trial = 0; trial < 25; trial++) {
            List<int[]> ties = trial % 3 == 0 ? List.of(new int[] {0, 2}) : List.of();
            AllocationProblem p = withInteractions(r, random(r, 5, r.nextDouble(), ties));
            Allocation want = bruteForce(p), got = new GeneticAllocator().solve(p);
            assertTrue(got.cost()[0] <= p.budgets()[0], "trial " + trial);
            assertTrue(got.sensitivity() >= want.sensitivity() - 1e-9 * Math.abs(want.sensitivity()), "trial " + trial);
            assertTrue(Double.isNaN(got.gap()), "a heuristic proves nothing");
            if (!ties.isEmpty()) {
                assertEquals(got.choice()[0], got.choice()[2]);
            }
            assertArrayEquals(got.choice(), new GeneticAllocator().solve(p).choice(), "trial " + trial + ": seeded");
            optimal += got.sensitivity() <= want.sensitivity() + 1e-9 * Math.abs(want.sensitivity()) ? 1 : 0;
        }
        assertTrue(optimal >= 22, "5 layers × 5 options: the search should find the optimum almost always: " + optimal);
    }

    @Test
    void withoutInteractionsTheIqpIsTheIlp() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 10; trial++) {
            AllocationProblem p = random(r, 5, r.nextDouble(), List.of());
            assertEquals(new IlpAllocator().solve(p).sensitivity(), new IqpAllocator().solve(p).sensitivity(),
                    1e-6 * new IlpAllocator().solve(p).sensitivity(), "trial " + trial);
        }
    }

    @Test
    void anInfeasibleBudgetNamesTheSmallestFeasibleOne() {
        SplittableRandom r = new SplittableRandom(4);
        AllocationProblem p = random(r, 3, 0, List.of());
        double smallest = p.budgets()[0];
        AllocationProblem tooSmall = new AllocationProblem(p.layers(), p.resources(),
                new double[] {smallest - 1, Double.POSITIVE_INFINITY});
        for (Allocator a : new Allocator[] {new ParetoAllocator(), new GreedyAllocator(), new IlpAllocator(),
                new LpAllocator(), new IqpAllocator()}) {
            InfeasibleBudgetException e = assertThrows(InfeasibleBudgetException.class, () -> a.solve(tooSmall));
            assertEquals(smallest, e.smallest());
            assertTrue(e.getMessage().contains("smallest feasible size is"), e.getMessage());
        }
    }

    @Test
    void problemsMergeOverlappingTiesAndFixAGroupWithAFixedLayer() {
        List<String> names = List.of("a", "b", "c", "d", "e");
        double[][] values = new double[names.size()][BITS.length];
        for (int l = 0; l < names.size(); l++) {
            for (int k = 0; k < BITS.length; k++) {
                values[l][k] = (l + 1) * Math.pow(2, -2 * BITS[k]);
            }
        }
        var table = new mpq.sensitivity.SensitivityTable("test", names, CELLS, values);
        List<mpq.hardware.LayerShape> shapes = new ArrayList<>();
        for (String n : names) {
            shapes.add(new mpq.hardware.LayerShape(n, "Conv", 100, 10, 1000));
        }
        var budget = new mpq.hardware.Budget(new mpq.hardware.WeightBitsCost(), 100 * 3.0 * names.size());
        AllocationProblem p = Problems.build(table, shapes, java.util.Set.of("e"), new Bits(8, 8), true,
                List.of(budget), List.of(java.util.Set.of("a", "b"), java.util.Set.of("b", "c"), java.util.Set.of("d", "e")),
                List.of());
        assertEquals(2, p.ties().size());
        assertEquals(List.of(0, 1, 2), java.util.Arrays.stream(p.ties().get(0)).boxed().toList());
        assertEquals(List.of(3, 4), java.util.Arrays.stream(p.ties().get(1)).boxed().toList());
        assertEquals(1, p.layers().get(3).options(), "d is tied to the fixed layer e, so it is fixed too");
        assertEquals(new Bits(8, 8), p.layers().get(3).cells().getFirst());
        // d and e (fixed at 8) take 1,600 bits and a, b, c at least 600: 1,500 is infeasible; with 2,500 the tied
        // a, b, c get 900 bits, 3 each
        assertThrows(InfeasibleBudgetException.class, () -> new IlpAllocator().solve(p));
        AllocationProblem q = Problems.build(table, shapes, java.util.Set.of("e"), new Bits(8, 8), true,
                List.of(new mpq.hardware.Budget(new mpq.hardware.WeightBitsCost(), 2500)),
                List.of(java.util.Set.of("a", "b"), java.util.Set.of("b", "c"), java.util.Set.of("d", "e")), List.of());
        Allocation a = new IlpAllocator().solve(q);
        int[] chosen = new int[names.size()];
        for (int l = 0; l < chosen.length; l++) {
            chosen[l] = q.layers().get(l).cells().get(a.choice()[l]).w();
        }
        assertEquals(List.of(3, 3, 3, 8, 8), java.util.Arrays.stream(chosen).boxed().toList());
        assertThrows(mpq.base.BadInputException.class, () -> Problems.build(table, shapes, java.util.Set.of(),
                new Bits(8, 8), true, List.of(budget), List.of(java.util.Set.of("a", "zz")), List.of()));
    }
}

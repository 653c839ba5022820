package mpq.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BRECQ's search: a genetic algorithm over one option per layer, scored by the problem's total sensitivity with its
 * interactions (so block sensitivities count as measured), every individual kept within the budgets by stepping down
 * where it exceeds one ({@link GreedyAllocator#stepDown}). The population starts from the greedy solution and random
 * choices; each generation keeps the best few, and fills the rest with children of tournament-chosen parents
 * (uniform crossover, then each gene mutated with probability 1/layers). Seeded: the same problem gives the same
 * allocation. Not proven optimal: the allocation's gap is unknown (NaN).
 */
public final class GeneticAllocator implements Allocator {
    static final int POPULATION = 60, GENERATIONS = 300, ELITE = 4, TOURNAMENT = 3;
    static final long SEED = 0;

    @Override
    public String name() {
        return "genetic";
    }

    @Override
    public Allocation solve(AllocationProblem p) {
        p.requireFeasible();
        AllocationProblem.Merged merged = p.merged();
        AllocationProblem q = merged.problem();
        int n = q.layers().size();
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<Individual> population = new ArrayList<>();
        population.add(score(p, merged, GreedyAllocator.greedy(q)));
        while (population.size() < POPULATION) {
            int[] c = new int[n];
            for (int l = 0; l < n; l++) {
                c[l] = rnd.nextInt(q.layers().get(l).options());
            }
            population.add(score(p, merged, GreedyAllocator.stepDown(q, c)));
        }
        for (int g = 0; g < GENERATIONS; g++) {
            population.sort(Comparator.comparingDouble(Individual::sensitivity));
            List<Individual> next = new ArrayList<>(population.subList(0, ELITE));
            while (next.size() < POPULATION) {
                int[] a = tournament(population, rnd).choice, b = tournament(population, rnd).choice;
                int[] child = new int[n];
                for (int l = 0; l < n; l++) {
                    child[l] = rnd.nextBoolean() ? a[l] : b[l];
                    if (rnd.nextInt(n) == 0) {
                        child[l] = rnd.nextInt(q.layers().get(l).options());
                    }
                }
                next.add(score(p, merged, GreedyAllocator.stepDown(q, child)));
            }
            population = next;
        }
        population.sort(Comparator.comparingDouble(Individual::sensitivity));
        return merged.expand(p, population.getFirst().choice).withGap(Double.NaN);
    }

    /** A choice on the merged problem and its total sensitivity on the original one (interactions included). */
    private record Individual(int[] choice, double sensitivity) {}

    private static Individual score(AllocationProblem p, AllocationProblem.Merged merged, int[] choice) {
        return new Individual(choice, merged.expand(p, choice).sensitivity());
    }

    private static Individual tournament(List<Individual> population, SplittableRandom rnd) {
        Individual best = null;
        for (int i = 0; i < TOURNAMENT; i++) {
            Individual c = population.get(rnd.nextInt(population.size()));
            if (best == null || c.sensitivity < best.sensitivity) {
                best = c;
            }
        }
        return best;
    }
}

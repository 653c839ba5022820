package mpq.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import mpq.agent.Ddpg;
import mpq.base.Progress;
import mpq.hardware.LayerShape;
import mpq.quant.Bits;

/**
 * HAQ (Wang et al., CVPR 2019): a DDPG agent walks the layers, one action in [0, 1] per weight quantizer and per
 * activation quantizer of each searchable layer (first and last layers stay fixed), each action picking one of the
 * layer's allowed bit-widths. The episode's bits are made consistent (tied layers equal, layers reading one activation
 * on the same activation bits: the nearest consistent combination), then, while a budget is exceeded, lowered from
 * the last layer back, activation bits first, one step at a time. The reward is 0.1 × (accuracy − float accuracy) in
 * points on held-back calibration data (or the score {@link Settings#reward} names), minus a moving-average baseline,
 * given to every step of the episode.
 * Warm-up episodes act uniformly at random; afterwards the actor's action with truncated normal noise whose σ decays
 * by a factor per episode, and one DDPG update per step stored. Seeded; each distinct policy is measured once.
 *
 * <p>State per step (each feature min-max normalised over the searchable layers): the layer's index, log output
 * channels, log reduction length (weights per output channel), log weights, log output positions, log input size,
 * whether it is a convolution, whether the step sets weight or activation bits, and the previous action.
 */
public final class HaqAllocator implements MeasuringAllocator {
    /**
     * @param episodes        episodes in all, warm-up included
     * @param warmup          episodes of uniformly random actions before the agent learns
     * @param noise           the exploration noise's initial σ (on the [0, 1] action)
     * @param noiseDecay      σ's factor per episode after the warm-up
     * @param rewardExamples  calibration examples held back to measure the reward on (the search's business)
     * @param reward          what is measured on them: "top1" (HAQ's accuracy) or "kl" (the divergence from the float
     *                        model's outputs, for data on which top-1 saturates)
     * @param hidden          width of the actor's and the critic's two hidden layers
     */
    public record Settings(int episodes, int warmup, double noise, double noiseDecay, long seed, int rewardExamples,
                           String reward, int hidden) {
        public Settings {
            if (episodes < 1 || warmup < 0 || !(noise >= 0) || !(noiseDecay > 0 && noiseDecay <= 1)
                    || rewardExamples < 1 || hidden < 1) {
                throw new mpq.base.BadInputException("HAQ needs episodes ≥ 1, warm-up ≥ 0, noise ≥ 0, decay in "
                        + "(0, 1], reward examples ≥ 1 and hidden width ≥ 1");
            }
            if (!reward.equals("top1") && !reward.equals("kl")) {
                throw new mpq.base.BadInputException("--haq-reward must be top1 or kl, got '" + reward + "'");
            }
        }

        /** HAQ's: 600 episodes, 20 of them warm-up, σ 0.5 decaying by 0.99, 300-wide networks; 256 held-back examples. */
        public static Settings defaults() {
            return new Settings(600, 20, 0.5, 0.99, 0, 256, "top1", 300);
        }
    }

    private static final int FEATURES = 7;
    private final Settings settings;

    public HaqAllocator() {
        this(Settings.defaults());
    }

    public HaqAllocator(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "haq";
    }

    /** One step of an episode: the bits of one quantizer of one layer. */
    private record Step(int layer, boolean weights) {}

    @Override
    public Allocation solve(AllocationProblem p, List<LayerShape> shapes, ToDoubleFunction<Allocation> accuracy,
                            Progress progress) {
        p.requireFeasible();
        AllocationProblem.Merged merged = p.merged();
        int n = p.layers().size();
        int[][] wOptions = new int[n][], aOptions = new int[n][];
        List<Step> steps = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            List<Bits> cells = p.layers().get(l).cells();
            wOptions[l] = cells.stream().mapToInt(Bits::w).distinct().sorted().toArray();
            aOptions[l] = cells.stream().mapToInt(Bits::a).distinct().sorted().toArray();
            if (wOptions[l].length > 1) {
                steps.add(new Step(l, true));
            }
            if (aOptions[l].length > 1) {
                steps.add(new Step(l, false));
            }
        }
        if (steps.isEmpty()) {
            return merged.expand(p, new int[merged.problem().layers().size()]).withGap(Double.NaN);
        }
        float[][] features = features(p, shapes);
        SplittableRandom rnd = new SplittableRandom(settings.seed());
        Map<String, Double> measured = new HashMap<>();
        Allocation best = null;
        double bestAccuracy = Double.NEGATIVE_INFINITY, baseline = Double.NaN;
        long t0 = System.nanoTime();
        try (Ddpg agent = new Ddpg(FEATURES + 2, Ddpg.Settings.haq(settings.hidden()), rnd.nextLong());
             Progress bar = progress) {
            bar.start("haq episodes", settings.episodes());
            for (int episode = 0; episode < settings.episodes(); episode++) {
                boolean warm = episode < settings.warmup();
                double sigma = settings.noise() * Math.pow(settings.noiseDecay(), Math.max(0, episode - settings.warmup()));
                int[] w = new int[n], a = new int[n];   // wanted bits per layer, from the actions
                for (int l = 0; l < n; l++) {
                    w[l] = wOptions[l][wOptions[l].length - 1];
                    a[l] = aOptions[l][aOptions[l].length - 1];
                }
                float[][] states = new float[steps.size()][];
                double previous = 0;
                for (int t = 0; t < steps.size(); t++) {
                    Step s = steps.get(t);
                    states[t] = state(features[s.layer], s.weights, previous);
                    double action = warm ? rnd.nextDouble() : truncatedNormal(agent.act(states[t]), sigma, rnd);
                    int[] options = s.weights ? wOptions[s.layer] : aOptions[s.layer];
                    int bits = options[Math.min(options.length - 1, (int) (action * options.length))];
                    if (s.weights) {
                        w[s.layer] = bits;
                    } else {
                        a[s.layer] = bits;
                    }
                    previous = action;
                }
                int[] mergedChoice = withinBudgets(merged, p, w, a, wOptions, aOptions);
                Allocation candidate = merged.expand(p, mergedChoice);
                String key = Arrays.toString(candidate.choice());
                Double acc = measured.get(key);
                if (acc == null) {
                    acc = accuracy.applyAsDouble(candidate);
                    measured.put(key, acc);
                }
                if (acc > bestAccuracy) {
                    bestAccuracy = acc;
                    best = candidate;
                }
                double reward = 0.1 * acc;   // 0.1 × (acc − float acc): the float score is an offset the baseline takes
                baseline = Double.isNaN(baseline) ? reward : 0.95 * baseline + 0.05 * reward;
                remember(agent, steps, states, candidate, p, wOptions, aOptions, reward - baseline);
                if (!warm) {
                    for (int t = 0; t < steps.size(); t++) {
                        agent.update();
                    }
                }
                bar.advance(1);
                if ((episode + 1) % 50 == 0 || episode + 1 == settings.episodes()) {
                    bar.note(String.format("haq: episode %d, score %.2f, best %.2f (%d policies measured, %.1f s)",
                            episode + 1, acc, bestAccuracy, measured.size(), (System.nanoTime() - t0) / 1e9));
                }
            }
        }
        return best.withGap(Double.NaN);
    }

    /**
     * The transitions of an episode, with the actions that give the bits the episode ended with (after consistency and
     * the budget), each state's previous action being the one before it.
     */
    private static void remember(Ddpg agent, List<Step> steps, float[][] states, Allocation used, AllocationProblem p,
                                 int[][] wOptions, int[][] aOptions, double reward) {
        double[] actions = new double[steps.size()];
        for (int t = 0; t < steps.size(); t++) {
            Step s = steps.get(t);
            Bits b = p.layers().get(s.layer).cells().get(used.choice()[s.layer]);
            int[] options = s.weights ? wOptions[s.layer] : aOptions[s.layer];
            int k = Math.max(0, Arrays.binarySearch(options, s.weights ? b.w() : b.a()));
            actions[t] = (k + 0.5) / options.length;
            if (t > 0) {
                states[t][states[t].length - 1] = (float) actions[t - 1];
            }
        }
        for (int t = 0; t < steps.size(); t++) {
            boolean last = t == steps.size() - 1;
            agent.remember(states[t], actions[t], reward, last ? states[t] : states[t + 1], last);
        }
    }

    /**
     * The merged problem's choice nearest to the wanted bits, lowered from the last layer back (activation bits, then
     * weight bits, one option at a time) until every budget holds.
     */
    static int[] withinBudgets(AllocationProblem.Merged merged, AllocationProblem p, int[] w, int[] a, int[][] wOptions,
                               int[][] aOptions) {
        w = w.clone();
        a = a.clone();
        int[] choice = nearest(merged, p, w, a);
        while (!fits(merged.problem(), choice)) {
            boolean lowered = false;
            for (int l = p.layers().size() - 1; l >= 0 && !fits(merged.problem(), choice); l--) {
                if (lower(a, l, aOptions[l])) {
                    lowered = true;
                    choice = nearest(merged, p, w, a);
                }
                if (!fits(merged.problem(), choice) && lower(w, l, wOptions[l])) {
                    lowered = true;
                    choice = nearest(merged, p, w, a);
                }
            }
            if (!lowered) {   // every wish at its lowest: let the greedy step-down find a feasible choice
                return GreedyAllocator.stepDown(merged.problem(), choice);
            }
        }
        return choice;
    }

    private static boolean lower(int[] bits, int l, int[] options) {
        int k = Arrays.binarySearch(options, bits[l]);
        if (k > 0) {
            bits[l] = options[k - 1];
            return true;
        }
        return false;
    }

    /** Per merged layer, the consistent combination closest in bits to the wanted ones (ties: the cheaper). */
    private static int[] nearest(AllocationProblem.Merged merged, AllocationProblem p, int[] w, int[] a) {
        AllocationProblem q = merged.problem();
        int[] choice = new int[q.layers().size()];
        for (int m = 0; m < choice.length; m++) {
            int[] members = merged.members().get(m);
            int[][] combos = merged.combinations().get(m);
            double costScale = Math.max(1e-300, maxCost(q.layers().get(m)));
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int k = 0; k < combos.length; k++) {
                double d = 0;
                for (int i = 0; i < members.length; i++) {
                    Bits b = p.layers().get(members[i]).cells().get(combos[k][i]);
                    d += Math.abs(b.w() - w[members[i]]) + Math.abs(b.a() - a[members[i]]);
                }
                d += 1e-9 * q.layers().get(m).cost()[0][k] / costScale;
                if (d < bestDistance) {
                    bestDistance = d;
                    choice[m] = k;
                }
            }
        }
        return choice;
    }

    private static double maxCost(LayerOptions o) {
        return o.cost().length == 0 ? 1 : Arrays.stream(o.cost()[0]).max().orElse(1);
    }

    static boolean fits(AllocationProblem q, int[] choice) {
        double[] cost = Allocation.of(q, choice).cost();
        for (int r = 0; r < cost.length; r++) {
            if (cost[r] > q.budgets()[r] * (1 + 1e-12)) {
                return false;
            }
        }
        return true;
    }

    private static float[] state(float[] layer, boolean weights, double previous) {
        float[] s = Arrays.copyOf(layer, FEATURES + 2);
        s[FEATURES] = weights ? 1 : 0;
        s[FEATURES + 1] = (float) previous;
        return s;
    }

    /** Per layer, the state features, each min-max normalised over the layers (a constant feature is 0). */
    private static float[][] features(AllocationProblem p, List<LayerShape> shapes) {
        int n = p.layers().size();
        double[][] raw = new double[n][FEATURES];
        for (int l = 0; l < n; l++) {
            LayerShape s = shapes.get(l);
            long k = Math.max(1, s.params() / Math.max(1, s.channels()));
            raw[l] = new double[] {l, Math.log(Math.max(1, s.channels())), Math.log(k), Math.log(Math.max(1, s.params())),
                    Math.log(Math.max(1, s.macs() / Math.max(1, s.params()))), Math.log(Math.max(1, s.inputs())),
                    s.opType().equals("Conv") ? 1 : 0};
        }
        float[][] out = new float[n][FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] r : raw) {
                lo = Math.min(lo, r[f]);
                hi = Math.max(hi, r[f]);
            }
            for (int l = 0; l < n; l++) {
                out[l][f] = hi > lo ? (float) ((raw[l][f] - lo) / (hi - lo)) : 0;
            }
        }
        return out;
    }

    /** A normal sample around mean with σ, redrawn until it falls in [0, 1] (clipped after many misses). */
    private static double truncatedNormal(double mean, double sigma, SplittableRandom rnd) {
        if (sigma == 0) {
            return mean;
        }
        for (int i = 0; i < 100; i++) {
            double x = mean + sigma * rnd.nextGaussian();
            if (x >= 0 && x <= 1) {
                return x;
            }
        }
        return Math.min(1, Math.max(0, mean));
    }
}

package mpq.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mpq.pipeline.BudgetSpec;
import mpq.pipeline.SearchSpec;
import mpq.quant.Estimators;
import mpq.quant.QuantConfig;
import mpq.search.HaqAllocator;
import picocli.CommandLine.Option;

/** What search and compare-methods share besides budgets: the candidate bits, ties, estimators, Hessian settings. */
final class SearchOptions {
    @Option(names = "--a-bits", split = ",", paramLabel = "B", description = "Allowed activation bit-widths of each "
            + "layer's input (default: ${DEFAULT-VALUE}); with several (e.g. 4,8) the allocator chooses them per layer "
            + "too, and layers that read one activation get the same.")
    int[] aBits = {8};

    @Option(names = "--bits", split = ",", paramLabel = "B", description = "Allowed weight bit-widths "
            + "(default: ${DEFAULT-VALUE}); as the target takes them: on ort-x86 with 8-bit activations 8 becomes 7.")
    int[] bits = {2, 3, 4, 5, 6, 8};

    @Option(names = "--tie", paramLabel = "A,B,…", description = "Layers that must get the same bits: names or globs "
            + "(* and ?), comma-separated; repeatable. A glob ties every layer it matches.")
    List<String> tie = List.of();

    @Option(names = "--tie-adds", description = "Tie the layers whose outputs meet at one Add (e.g. a residual "
            + "block's last conv and its downsampling shortcut conv), as integer kernels add them on one scale.")
    boolean tieAdds;

    @Option(names = "--estimator", paramLabel = "E", description = "Range estimator (default: ${DEFAULT-VALUE}).")
    String estimator = "mse";

    @Option(names = "--weight-estimators", split = ",", paramLabel = "E", description = "Candidate range estimators "
            + "for the weights (e.g. mse,minmax): sensitivities are measured with each, and every layer and cell "
            + "gets the one its metric prefers (default: the weights' estimator of --estimator).")
    List<String> weightEstimators = List.of();

    @Option(names = "--tol", paramLabel = "T", description = "Hessian estimators' tolerance (default: ${DEFAULT-VALUE}).")
    double tol = 1e-3;

    @Option(names = "--max-iter", paramLabel = "N", description = "Hessian estimators' product cap (default: "
            + "${DEFAULT-VALUE}).")
    int maxIter = 100;

    @Option(names = "--episodes", paramLabel = "N", description = "--allocator haq: episodes of the agent, the "
            + "warm-up included (default: ${DEFAULT-VALUE}).")
    int episodes = HaqAllocator.Settings.defaults().episodes();

    @Option(names = "--haq-warmup", paramLabel = "N", description = "--allocator haq: first episodes of random "
            + "actions (default: ${DEFAULT-VALUE}).")
    int haqWarmup = HaqAllocator.Settings.defaults().warmup();

    @Option(names = "--haq-reward-examples", paramLabel = "N", description = "--allocator haq: the last N "
            + "calibration examples (at most half) are held back from range calibration to measure the reward on "
            + "(default: ${DEFAULT-VALUE}).")
    int haqRewardExamples = HaqAllocator.Settings.defaults().rewardExamples();

    @Option(names = "--haq-reward", paramLabel = "R", description = "--allocator haq: top1 (HAQ's: accuracy on the "
            + "held-back examples) or kl (−100 × the KL divergence from the float model's outputs: it still tells "
            + "policies apart where top-1 on training images saturates) (default: ${DEFAULT-VALUE}).")
    String haqReward = HaqAllocator.Settings.defaults().reward();

    @Option(names = "--no-cache", description = "Compute the sensitivities even when a cached table fits "
            + "(cache: $XDG_CACHE_HOME/mpq/sensitivity or ~/.cache/mpq/sensitivity).")
    boolean noCache;

    SearchSpec spec(String metric, String allocator, List<BudgetSpec> budgets, long seed) {
        Estimators.byName(estimator);
        List<List<String>> ties = tie.stream().map(t -> Arrays.asList(t.split(","))).toList();
        HaqAllocator.Settings d = HaqAllocator.Settings.defaults();
        return new SearchSpec(metric, allocator, bits, aBits, budgets, ties, tieAdds, weightEstimators, tol, maxIter,
                seed, new HaqAllocator.Settings(episodes, haqWarmup, d.noise(), d.noiseDecay(), seed, haqRewardExamples,
                haqReward, d.hidden()));
    }

    /** The quantization settings every layer starts from (the search then sets each layer's bits). */
    QuantConfig base(QuantOptions quant) {
        return quant.config(8, Arrays.stream(aBits).max().orElse(8), Estimators.forWeights(estimator), estimator);
    }

    mpq.sensitivity.SensitivityCache cache() {
        return noCache ? null : mpq.sensitivity.SensitivityCache.standard();
    }

    /** The options as given (defaults left out), for printing reproducible commands. */
    List<String> options() {
        List<String> o = new ArrayList<>();
        if (!Arrays.equals(bits, new int[] {2, 3, 4, 5, 6, 8})) {
            o.addAll(List.of("--bits", joined(bits)));
        }
        if (!Arrays.equals(aBits, new int[] {8})) {
            o.addAll(List.of("--a-bits", joined(aBits)));
        }
        for (String t : tie) {
            o.addAll(List.of("--tie", t));
        }
        if (tieAdds) {
            o.add("--tie-adds");
        }
        if (!estimator.equals("mse")) {
            o.addAll(List.of("--estimator", estimator));
        }
        if (!weightEstimators.isEmpty()) {
            o.addAll(List.of("--weight-estimators", String.join(",", weightEstimators)));
        }
        if (tol != 1e-3) {
            o.addAll(List.of("--tol", Output.number(tol)));
        }
        if (maxIter != 100) {
            o.addAll(List.of("--max-iter", Integer.toString(maxIter)));
        }
        HaqAllocator.Settings d = HaqAllocator.Settings.defaults();
        if (episodes != d.episodes()) {
            o.addAll(List.of("--episodes", Integer.toString(episodes)));
        }
        if (haqWarmup != d.warmup()) {
            o.addAll(List.of("--haq-warmup", Integer.toString(haqWarmup)));
        }
        if (!haqReward.equals(d.reward())) {
            o.addAll(List.of("--haq-reward", haqReward));
        }
        if (haqRewardExamples != d.rewardExamples()) {
            o.addAll(List.of("--haq-reward-examples", Integer.toString(haqRewardExamples)));
        }
        return o;
    }

    static String joined(int[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Integer::toString).toList());
    }
}

package mpq.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.eval.MpqEngine;
import mpq.eval.Scores;
import mpq.graph.Graph;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.search.Allocation;
import mpq.search.AllocationProblem;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/**
 * How good candidate allocations are on calibration examples held back from range calibration: the reward of a
 * measuring allocator (HAQ). The last examples of the calibration data are held back; ranges come from the others.
 * {@code top1}: with labels, top-1 in percent; without, the percentage of examples whose predicted class is the float
 * model's. {@code kl}: −100 × the mean KL divergence of the quantized model's softmax from the float model's, which
 * keeps telling policies apart where top-1 saturates (held-back training images a model fits almost perfectly).
 */
final class HeldBackScore implements ToDoubleFunction<Allocation> {
    private final PostTrainingQuantizer.Calibrated ranges;
    private final QuantConfig base;
    private final Sensitivities sensitivities;
    private final AllocationProblem problem;
    private final List<Tensor> inputs;
    private final List<int[]> targets;   // labels, or the float model's predictions
    private final List<Tensor> floatOutputs;
    private final boolean labelled, kl;
    private final int threads;

    private HeldBackScore(PostTrainingQuantizer.Calibrated ranges, QuantConfig base, Sensitivities s,
                             AllocationProblem problem, Batches heldBack, List<int[]> targets,
                             List<Tensor> floatOutputs, boolean labelled, boolean kl, int threads) {
        this.ranges = ranges;
        this.base = base;
        this.sensitivities = s;
        this.problem = problem;
        this.inputs = heldBack.list();
        this.targets = targets;
        this.floatOutputs = floatOutputs;
        this.labelled = labelled;
        this.kl = kl;
        this.threads = threads;
    }

    /** Holds back the last {@code examples} calibration examples (at most half of them) and calibrates on the rest. */
    static HeldBackScore of(PostTrainingQuantizer.Calibrated cal, QuantConfig base, Sensitivities s,
                               AllocationProblem problem, int examples, String reward, int threads,
                               Progress progress) {
        int total = cal.data().examples();
        int held = Math.min(examples, total / 2);
        if (held < 1) {
            throw new BadInputException(cal.data().source() + ": a measuring allocator holds back calibration "
                    + "examples for its reward; give at least 2 (--calib-limit)");
        }
        Batches heldBack = cal.data().after(total - held);
        PostTrainingQuantizer.Calibrated ranges = PostTrainingQuantizer.calibrate(cal.floatGraph(),
                cal.data().first(total - held), threads, Progress.NONE);
        List<Tensor> floatOutputs = outputs(cal.floatGraph(), heldBack.list(), threads);
        List<int[]> targets = new ArrayList<>();
        boolean labelled = heldBack.hasLabels(), kl = reward.equals("kl");
        for (int b = 0; b < heldBack.batches(); b++) {
            targets.add(labelled ? heldBack.labels(b) : Scores.predicted(floatOutputs.get(b)));
        }
        progress.note(String.format("reward: %s on the last %d calibration examples (ranges from the other %d)",
                kl ? "−100 × KL divergence from the float model's outputs" : labelled ? "top-1"
                        : "agreement with the float model's top-1", held, total - held));
        return new HeldBackScore(ranges, base, s, problem, heldBack, targets, floatOutputs, labelled, kl, threads);
    }

    @Override
    public double applyAsDouble(Allocation a) {
        QuantConfig cfg = MixedPrecisionSearch.configFor(base, problem, a, sensitivities);
        Graph q = PostTrainingQuantizer.quantize(ranges, cfg, threads, Progress.NONE).quantized();
        List<Tensor> out = outputs(q, inputs, threads);
        if (kl) {
            double sum = 0;
            int n = 0;
            for (int b = 0; b < out.size(); b++) {
                Tensor y = out.get(b);
                sum += Losses.klDivergence(y, floatOutputs.get(b), Tensor.zeros(y.shape())) * y.dim(0);
                n += y.dim(0);
            }
            return -100 * sum / n;
        }
        int hits = 0, n = 0;
        for (int b = 0; b < out.size(); b++) {
            int[] p = Scores.predicted(out.get(b));
            for (int i = 0; i < p.length; i++) {
                hits += p[i] == targets.get(b)[i] ? 1 : 0;
                n++;
            }
        }
        return 100.0 * hits / n;
    }

    private static List<Tensor> outputs(Graph g, List<Tensor> batches, int threads) {
        List<Tensor> out = new ArrayList<>();
        try (MpqEngine e = new MpqEngine(g, threads)) {
            for (Tensor x : batches) {
                out.add(e.run(x));
            }
        }
        return out;
    }
}

package mpq.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.eval.MpqEngine;
import mpq.graph.Graph;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.search.Allocation;
import mpq.search.AllocationProblem;
import mpq.tensor.Tensor;

/**
 * The accuracy of candidate allocations on calibration examples held back from range calibration: the reward of a
 * measuring allocator (HAQ). The last examples of the calibration data are held back; ranges come from the others.
 * With labels, top-1 in percent; without, the percentage of examples whose predicted class is the float model's.
 */
final class HeldBackAccuracy implements ToDoubleFunction<Allocation> {
    private final PostTrainingQuantizer.Calibrated ranges;
    private final QuantConfig base;
    private final Sensitivities sensitivities;
    private final AllocationProblem problem;
    private final List<Tensor> inputs;
    private final List<int[]> targets;   // labels, or the float model's predictions
    private final boolean labelled;
    private final int threads;

    private HeldBackAccuracy(PostTrainingQuantizer.Calibrated ranges, QuantConfig base, Sensitivities s,
                             AllocationProblem problem, Batches heldBack, List<int[]> targets, boolean labelled,
                             int threads) {
        this.ranges = ranges;
        this.base = base;
        this.sensitivities = s;
        this.problem = problem;
        this.inputs = heldBack.list();
        this.targets = targets;
        this.labelled = labelled;
        this.threads = threads;
    }

    /** Holds back the last {@code examples} calibration examples (at most half of them) and calibrates on the rest. */
    static HeldBackAccuracy of(PostTrainingQuantizer.Calibrated cal, QuantConfig base, Sensitivities s,
                               AllocationProblem problem, int examples, int threads, Progress progress) {
        int total = cal.data().examples();
        int held = Math.min(examples, total / 2);
        if (held < 1) {
            throw new BadInputException(cal.data().source() + ": a measuring allocator holds back calibration "
                    + "examples for its reward; give at least 2 (--calib-limit)");
        }
        Batches heldBack = cal.data().after(total - held);
        PostTrainingQuantizer.Calibrated ranges = PostTrainingQuantizer.calibrate(cal.floatGraph(),
                cal.data().first(total - held), threads, Progress.NONE);
        List<int[]> targets = new ArrayList<>();
        boolean labelled = heldBack.hasLabels();
        if (labelled) {
            for (int b = 0; b < heldBack.batches(); b++) {
                targets.add(heldBack.labels(b));
            }
        } else {
            targets.addAll(predictions(cal.floatGraph(), heldBack.list(), threads));
        }
        progress.note(String.format("reward: %s on the last %d calibration examples (ranges from the other %d)",
                labelled ? "top-1" : "agreement with the float model's top-1", held, total - held));
        return new HeldBackAccuracy(ranges, base, s, problem, heldBack, targets, labelled, threads);
    }

    boolean labelled() {
        return labelled;
    }

    @Override
    public double applyAsDouble(Allocation a) {
        QuantConfig cfg = MixedPrecisionSearch.configFor(base, problem, a, sensitivities);
        Graph q = PostTrainingQuantizer.quantize(ranges, cfg, threads, Progress.NONE).quantized();
        List<int[]> predicted = predictions(q, inputs, threads);
        int hits = 0, n = 0;
        for (int b = 0; b < predicted.size(); b++) {
            for (int i = 0; i < predicted.get(b).length; i++) {
                hits += predicted.get(b)[i] == targets.get(b)[i] ? 1 : 0;
                n++;
            }
        }
        return 100.0 * hits / n;
    }

    /** Each example's predicted class (the first of equal maxima; −1 where an output is not finite). */
    private static List<int[]> predictions(Graph g, List<Tensor> batches, int threads) {
        List<int[]> out = new ArrayList<>();
        try (MpqEngine e = new MpqEngine(g, threads)) {
            for (Tensor x : batches) {
                Tensor y = e.run(x);
                int n = y.dim(0), k = y.size() / Math.max(1, n);
                float[] d = y.data();
                int[] p = new int[n];
                for (int i = 0; i < n; i++) {
                    int best = -1;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        float v = d[i * k + j];
                        if (!Float.isFinite(v)) {
                            best = -1;
                            break;
                        }
                        if (v > max) {
                            max = v;
                            best = j;
                        }
                    }
                    p[i] = best;
                }
                out.add(p);
            }
        }
        return out;
    }
}

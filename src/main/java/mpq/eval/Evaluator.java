package mpq.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batch;
import mpq.data.Dataset;
import mpq.data.Preprocess;
import mpq.tensor.Tensor;

/** Runs an engine over a labelled dataset and scores top-1, top-5 and cross-entropy. */
public final class Evaluator {
    private Evaluator() {}

    /** A graph on all of a dataset, on all cores, in batches of 128, without progress reports. */
    public static EvalResult evaluate(mpq.graph.Graph g, Dataset data, Preprocess pre) {
        try (MpqEngine e = new MpqEngine(g, Runtime.getRuntime().availableProcessors())) {
            return evaluate(e, data, pre, 128, 0, Progress.NONE);
        }
    }

    public static EvalResult evaluate(InferenceEngine engine, Dataset data, Preprocess pre, int batchSize, int limit,
                                      Progress progress) {
        if (!data.hasLabels()) {
            throw new BadInputException(data.name() + ": has no labels, so accuracy cannot be measured");
        }
        int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
        int top1 = 0, top5 = 0, nonFinite = 0;
        double loss = 0;
        long time = 0;
        int[] predicted = new int[n];
        progress.start("eval " + engine.name(), n);
        try {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                Batch b = data.read(from, to);
                Tensor x = pre.apply(b.inputs());
                long t0 = System.nanoTime();
                Tensor logits = engine.run(x);
                time += System.nanoTime() - t0;
                Scores s = Scores.of(logits, b.labels(), data.name());
                top1 += s.top1();
                top5 += s.top5();
                loss += s.crossEntropySum();
                nonFinite += s.nonFinite();
                System.arraycopy(s.predicted(), 0, predicted, from, to - from);
                progress.advance(to - from);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            progress.close();
        }
        if (nonFinite > 0) {
            progress.note(String.format("warning: %d of %d examples gave NaN or Inf outputs (%s); they count as wrong",
                    nonFinite, n, engine.name()));
        }
        return new EvalResult(engine.name(), n, top1, top5, n == 0 ? 0 : loss / n, time / 1e9, predicted, nonFinite);
    }
}

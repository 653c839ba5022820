package mpq.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import mpq.base.Progress;
import mpq.data.Batch;
import mpq.data.Dataset;
import mpq.data.Preprocess;
import mpq.tensor.Tensor;

/**
 * Two engines on the same labelled examples: each one's top-1, how often their predicted classes agree, and the
 * largest difference between their outputs (e.g. mpq's simulation of a quantized model against ONNX Runtime running
 * the exported file).
 */
public record Agreement(String first, String second, int count, int firstTop1, int secondTop1, int samePrediction,
                        double maxAbsDifference) {
    /** Examples where the predicted classes differ. */
    public int differentPredictions() {
        return count - samePrediction;
    }

    public static Agreement measure(InferenceEngine a, InferenceEngine b, Dataset data, Preprocess pre, int batchSize,
                                    int limit, Progress progress) {
        int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
        int topA = 0, topB = 0, same = 0;
        double maxDiff = 0;
        progress.start("compare " + a.name() + " / " + b.name(), n);
        try {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                Batch batch = data.read(from, to);
                Tensor x = pre.apply(batch.inputs());
                Tensor ya = a.run(x), yb = b.run(x);
                Scores sa = Scores.of(ya, batch.labels(), data.name()), sb = Scores.of(yb, batch.labels(), data.name());
                topA += sa.top1();
                topB += sb.top1();
                float[] da = ya.data(), db = yb.data();
                for (int i = 0; i < to - from; i++) {
                    // Non-finite outputs predict nothing (−1), so they never agree.
                    if (sa.predicted()[i] >= 0 && sa.predicted()[i] == sb.predicted()[i]) {
                        same++;
                    }
                }
                for (int i = 0; i < ya.size(); i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(da[i] - db[i]));
                }
                progress.advance(to - from);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            progress.close();
        }
        return new Agreement(a.name(), b.name(), n, topA, topB, same, maxDiff);
    }
}

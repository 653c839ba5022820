package mpq.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.SentencePairs;
import mpq.data.TextEncoder;
import mpq.graph.ValueInfo;
import mpq.tensor.RankStatistics;
import mpq.tensor.Tensor;

/**
 * The STS task: each sentence's embedding is the mean of the model's token outputs over the attention mask, L2
 * normalised (as sentence-transformers models define it; an output already [batch, hidden] is taken as it is); a
 * pair's similarity is the cosine of its two embeddings; the score is Spearman's rank correlation of the
 * similarities with the gold scores. A pair whose embedding is not finite gets similarity −2 (below every cosine)
 * and is counted.
 */
public final class SentenceSimilarity {
    private SentenceSimilarity() {}

    public record Result(String engine, int pairs, double spearman, double seconds, int nonFinite) {}

    public static Result evaluate(InferenceEngine engine, List<ValueInfo> inputs, SentencePairs data, TextEncoder text,
                                  int batchPairs, int limit, Progress progress) {
        List<SentencePairs.Pair> pairs = limit > 0 && limit < data.pairs().size() ? data.pairs().subList(0, limit)
                : data.pairs();
        int n = pairs.size(), nonFinite = 0;
        double[] similarity = new double[n], gold = new double[n];
        long time = 0;
        progress.start("sts " + engine.name(), n);
        try {
            for (int from = 0; from < n; from += batchPairs) {
                int to = Math.min(n, from + batchPairs), b = to - from;
                List<String> sentences = new ArrayList<>(2 * b);
                pairs.subList(from, to).forEach(p -> sentences.add(p.first()));
                pairs.subList(from, to).forEach(p -> sentences.add(p.second()));
                Map<String, Tensor> x = text.encode(sentences, inputs);
                long t0 = System.nanoTime();
                Tensor y = engine.run(x);
                time += System.nanoTime() - t0;
                float[][] e = embeddings(y, TextEncoder.mask(x), 2 * b);
                for (int i = 0; i < b; i++) {
                    double c = dot(e[i], e[b + i]);
                    gold[from + i] = pairs.get(from + i).score();
                    similarity[from + i] = Double.isFinite(c) ? c : -2;
                    nonFinite += Double.isFinite(c) ? 0 : 1;
                }
                progress.advance(b);
            }
        } finally {
            progress.close();
        }
        if (nonFinite > 0) {
            progress.note(String.format("warning: %d of %d pairs gave NaN or Inf embeddings (%s); they rank last",
                    nonFinite, n, engine.name()));
        }
        return new Result(engine.name(), n, RankStatistics.spearman(similarity, gold), time / 1e9, nonFinite);
    }

    /** Mean over the mask of y [n, tokens, hidden] (or y [n, hidden] as it is), each row L2-normalised. */
    static float[][] embeddings(Tensor y, float[] mask, int n) {
        if (y.rank() != 3 && y.rank() != 2 || y.dim(0) != n) {
            throw new BadInputException("the model's output has shape " + java.util.Arrays.toString(y.shape())
                    + "; sentence embeddings need [sentences, tokens, hidden] or [sentences, hidden]");
        }
        int tokens = y.rank() == 3 ? y.dim(1) : 1, hidden = y.dim(y.rank() - 1);
        if (y.rank() == 3 && mask.length != n * tokens) {
            throw new BadInputException("the model's output has " + tokens + " tokens per sentence, its input "
                    + mask.length / n);
        }
        float[] d = y.data();
        float[][] out = new float[n][hidden];
        for (int s = 0; s < n; s++) {
            double[] sum = new double[hidden];
            double count = 0;
            for (int t = 0; t < tokens; t++) {
                float m = y.rank() == 3 ? mask[s * tokens + t] : 1;
                if (m == 0) {
                    continue;
                }
                count += m;
                int base = (s * tokens + t) * hidden;
                for (int h = 0; h < hidden; h++) {
                    sum[h] += m * d[base + h];
                }
            }
            double norm = 0;
            for (int h = 0; h < hidden; h++) {
                sum[h] /= Math.max(count, 1e-9);
                norm += sum[h] * sum[h];
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            for (int h = 0; h < hidden; h++) {
                out[s][h] = (float) (sum[h] / norm);
            }
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}

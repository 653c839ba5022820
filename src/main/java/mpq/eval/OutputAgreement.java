package mpq.eval;

import java.util.Map;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.tensor.Tensor;

/**
 * How closely a model's outputs follow a reference's on the same inputs, for any model (no labels, no task): per
 * example the cosine similarity of its whole first output with the reference's, and over all examples the relative
 * L2 error ‖y − y_ref‖ / ‖y_ref‖. What serves a quantized model whose task mpq does not know.
 */
public record OutputAgreement(int examples, double meanCosine, double minCosine, double relativeError) {

    public static OutputAgreement measure(InferenceEngine reference, InferenceEngine other, Batches data,
                                          String singleInput, Progress progress) {
        int n = 0;
        double cosines = 0, worst = 1, diff = 0, norm = 0;
        progress.start("agreement " + other.name() + " / " + reference.name(), data.batches());
        try {
            for (int b = 0; b < data.batches(); b++) {
                Map<String, Tensor> x = data.inputs(b, singleInput);
                Tensor r = reference.run(x), y = other.run(x);
                int examples = r.dim(0), per = r.size() / Math.max(1, examples);
                for (int e = 0; e < examples; e++) {
                    double dot = 0, rr = 0, yy = 0, dd = 0;
                    for (int i = e * per; i < (e + 1) * per; i++) {
                        double u = r.get(i), v = y.get(i);
                        dot += u * v;
                        rr += u * u;
                        yy += v * v;
                        dd += (u - v) * (u - v);
                    }
                    double c = rr == 0 || yy == 0 ? (rr == yy ? 1 : 0) : dot / Math.sqrt(rr * yy);
                    cosines += Double.isFinite(c) ? c : -1;
                    worst = Math.min(worst, Double.isFinite(c) ? c : -1);
                    diff += dd;
                    norm += rr;
                    n++;
                }
                progress.advance(1);
            }
        } finally {
            progress.close();
        }
        return new OutputAgreement(n, n == 0 ? Double.NaN : cosines / n, worst,
                norm == 0 ? Double.NaN : Math.sqrt(diff / norm));
    }
}

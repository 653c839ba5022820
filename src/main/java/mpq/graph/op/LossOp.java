package mpq.graph.op;

import java.util.ArrayList;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * NegativeLogLikelihoodLoss (input: log-probabilities [N, C, d…]) and SoftmaxCrossEntropyLoss (input: scores, to
 * which a log-softmax along axis 1 is applied first; its optional second output is that log-probability). With
 * labels [N, d…] (int), optional class weights [C], ignore_index and reduction none / sum / mean (mean divides by the
 * summed weights of the labels that count).
 */
final class LossOp implements Op {
    private final boolean softmax;
    private final String reduction;
    private final Attributes attrs;
    private int n, c, inner;

    LossOp(boolean softmax, Attributes a) {
        this.softmax = softmax;
        this.attrs = a;
        this.reduction = a.getString("reduction", "mean");
        if (!reduction.equals("mean") && !reduction.equals("sum") && !reduction.equals("none")) {
            throw new IllegalArgumentException("reduction must be none, sum or mean, got '" + reduction + "'");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, softmax ? "scores" : "input"), t = Args.input(in, 1, softmax ? "labels" : "target");
        Args.requireRank(x, 2, 8, "input");
        int[] s = x.shape();
        n = s[0];
        c = s[1];
        inner = x.size() / Math.max(1, n * c);
        if (t.size() != n * inner || t.type().isFloat()) {
            throw new IllegalArgumentException("labels must be integers of shape [N, d…] for input "
                    + java.util.Arrays.toString(s));
        }
        ValueMeta w = Args.optional(in, 2);
        if (w != null && w.size() != c) {
            throw new IllegalArgumentException("weights must have one value per class (" + c + ")");
        }
        List<ValueMeta> out = new ArrayList<>();
        out.add(ValueMeta.of(reduction.equals("none") ? t.shape() : new int[0], x.type()));
        if (softmax) {
            out.add(ValueMeta.of(s, x.type()));
        }
        return out;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data();
        float[] logp = x;
        if (softmax) {
            logp = out.length > 1 && out[1] != null ? out[1].data() : new float[in[0].size()];
            logSoftmax(x, logp);
        }
        Tensor labels = in[1];
        float[] w = in.length > 2 && in[2] != null ? in[2].data() : null;
        boolean hasIgnore = attrs.has("ignore_index");
        long ignore = attrs.getLong("ignore_index", 0);
        float[] loss = reduction.equals("none") ? out[0].data() : new float[n * inner];
        double total = 0, weights = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < inner; k++) {
                long label = labels.getLong(i * inner + k);
                if (hasIgnore && label == ignore) {
                    loss[i * inner + k] = 0;
                    continue;
                }
                if (label < 0 || label >= c) {
                    throw new IllegalArgumentException("label " + label + " is outside the " + c + " classes");
                }
                float wt = w == null ? 1 : w[(int) label];
                float l = -logp[(i * c + (int) label) * inner + k] * wt;
                loss[i * inner + k] = l;
                total += l;
                weights += wt;
            }
        }
        if (!reduction.equals("none")) {
            out[0].data()[0] = (float) (reduction.equals("sum") ? total : total / weights);
        }
    }

    /** log-softmax along axis 1 of [N, C, inner]. */
    private void logSoftmax(float[] x, float[] y) {
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < inner; k++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) {
                    m = Math.max(m, x[(i * c + j) * inner + k]);
                }
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    sum += Math.exp(x[(i * c + j) * inner + k] - m);
                }
                double shift = m + Math.log(sum);
                for (int j = 0; j < c; j++) {
                    y[(i * c + j) * inner + k] = (float) (x[(i * c + j) * inner + k] - shift);
                }
            }
        }
    }
}

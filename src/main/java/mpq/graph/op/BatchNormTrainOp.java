package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * mpq.BatchNormTrain: BatchNormalization as it runs while training. The batch's own per-channel mean and (biased)
 * variance normalise the input, y = (x − μ_B) / √(σ²_B + ε) · γ + β, and are also written to outputs 1 and 2 so the
 * trainer can update the running statistics. Inputs: x, γ, β. The exported model uses a standard
 * BatchNormalization with the running statistics instead.
 */
final class BatchNormTrainOp implements Op {
    static final String TYPE = "BatchNormTrain";

    private final float epsilon;
    private int batch, channels, inner;
    private double[] mean, invStd;

    BatchNormTrainOp(Attributes a) {
        epsilon = a.getFloat("epsilon", 1e-5f);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        Args.requireRank(x, 2, 8, "input X");
        int[] s = x.shape();
        batch = s[0];
        channels = s[1];
        inner = x.size() / Math.max(1, batch * channels);
        Args.requirePerChannel(in, channels, "scale", "B");
        mean = new double[channels];
        invStd = new double[channels];
        return List.of(ValueMeta.of(s, x.type()), ValueMeta.of(new int[] {channels}, x.type()),
                ValueMeta.of(new int[] {channels}, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data(), gamma = in[1].data(), beta = in[2].data();
        float[] meanOut = out[1].data(), varOut = out[2].data();
        par.forEach(channels, (w, c) -> {
            double s = 0, ss = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = (n * channels + c) * inner, end = i + inner; i < end; i++) {
                    s += x[i];
                    ss += (double) x[i] * x[i];
                }
            }
            double m = (double) batch * inner;
            double mu = s / m, var = Math.max(0, ss / m - mu * mu);
            mean[c] = mu;
            invStd[c] = 1 / Math.sqrt(var + epsilon);
            meanOut[c] = (float) mu;
            varOut[c] = (float) var;
            float scale = (float) (gamma[c] * invStd[c]), shift = (float) (beta[c] - mu * gamma[c] * invStd[c]);
            for (int n = 0; n < batch; n++) {
                for (int i = (n * channels + c) * inner, end = i + inner; i < end; i++) {
                    y[i] = x[i] * scale + shift;
                }
            }
        });
    }

    /**
     * With x̂ = (x − μ_B)·invStd and m elements per channel: dβ = Σ dy, dγ = Σ dy·x̂,
     * dx = γ·invStd/m · (m·dy − Σ dy − x̂·Σ dy·x̂) (the batch statistics depend on x too).
     */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] x = in[0].data(), gamma = in[1].data(), dy = gradOut[0].data();
        par.forEach(channels, (w, c) -> {
            double sumDy = 0, sumDyXhat = 0;
            double mu = mean[c], is = invStd[c];
            for (int n = 0; n < batch; n++) {
                for (int i = (n * channels + c) * inner, end = i + inner; i < end; i++) {
                    sumDy += dy[i];
                    sumDyXhat += dy[i] * (x[i] - mu) * is;
                }
            }
            if (gradIn[1] != null) {
                gradIn[1].data()[c] += (float) sumDyXhat;
            }
            if (gradIn[2] != null) {
                gradIn[2].data()[c] += (float) sumDy;
            }
            if (gradIn[0] != null) {
                float[] dx = gradIn[0].data();
                double m = (double) batch * inner;
                double k = gamma[c] * is / m;
                for (int n = 0; n < batch; n++) {
                    for (int i = (n * channels + c) * inner, end = i + inner; i < end; i++) {
                        double xhat = (x[i] - mu) * is;
                        dx[i] += (float) (k * (m * dy[i] - sumDy - xhat * sumDyXhat));
                    }
                }
            }
        });
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Elementwise;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** ONNX BatchNormalization in inference mode: y = (x − mean) / √(var + ε) · scale + B, per channel (axis 1). */
final class BatchNormOp implements Op {
    private final float epsilon;
    private int batch, channels, inner;
    private boolean relu;

    BatchNormOp(Attributes a, int outputs) {
        epsilon = a.getFloat("epsilon", 1e-5f);
        if (a.getInt("training_mode", 0) != 0 || outputs > 1) {
            throw new IllegalArgumentException("training-mode BatchNormalization (running statistics outputs) is not "
                    + "supported; export the model in inference mode");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        Args.requireRank(x, 2, 8, "input X");
        int[] s = x.shape();
        batch = s[0];
        channels = s[1];
        inner = x.size() / Math.max(1, batch * channels);
        Args.requirePerChannel(in, channels, "scale", "B", "mean", "var");
        return List.of(ValueMeta.of(s, x.type()));
    }

    @Override
    public boolean fuseRelu() {
        relu = true;
        return true;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        float[] scale = in[1].data(), bias = in[2].data(), mean = in[3].data(), var = in[4].data();
        par.forEach(batch * channels, (w, item) -> {
            int c = item % channels;
            float s = (float) (scale[c] / Math.sqrt((double) var[c] + epsilon));
            float t = bias[c] - mean[c] * s;
            if (x != y) {
                System.arraycopy(x, item * inner, y, item * inner, inner);
            }
            Elementwise.affine(y, y, item * inner, inner, s, t, relu);
        });
    }

    /**
     * Inference-mode gradients: with s = γ/√(var + ε) per channel, dx = dy·s, dγ = Σ dy·(x − mean)/√(var + ε),
     * dB = Σ dy, dmean = −Σ dy·s, dvar = −½ Σ dy·(x − mean)·γ·(var + ε)^(−3/2).
     */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] x = in[0].data(), dy = gradOut[0].data();
        float[] scale = in[1].data(), mean = in[3].data(), var = in[4].data();
        double[] sumDy = new double[channels], sumDyX = new double[channels];
        for (int item = 0; item < batch * channels; item++) {
            int c = item % channels;
            double s = 0, sx = 0;
            for (int i = item * inner, end = i + inner; i < end; i++) {
                s += dy[i];
                sx += (double) dy[i] * (x[i] - mean[c]);
            }
            sumDy[c] += s;
            sumDyX[c] += sx;
        }
        if (gradIn[0] != null) {
            float[] dx = gradIn[0].data();
            for (int item = 0; item < batch * channels; item++) {
                int c = item % channels;
                float s = (float) (scale[c] / Math.sqrt((double) var[c] + epsilon));
                for (int i = item * inner, end = i + inner; i < end; i++) {
                    dx[i] += dy[i] * s;
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            double inv = 1 / Math.sqrt((double) var[c] + epsilon);
            add(gradIn, 1, c, sumDyX[c] * inv);
            add(gradIn, 2, c, sumDy[c]);
            add(gradIn, 3, c, -sumDy[c] * scale[c] * inv);
            add(gradIn, 4, c, -0.5 * sumDyX[c] * scale[c] * inv * inv * inv);
        }
    }

    private static void add(Tensor[] grads, int input, int c, double v) {
        if (grads[input] != null) {
            grads[input].data()[c] += (float) v;
        }
    }
}

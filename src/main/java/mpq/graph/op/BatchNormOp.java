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
        for (int i = 1; i <= 4; i++) {
            ValueMeta p = Args.input(in, i, new String[] {"", "scale", "B", "mean", "var"}[i]);
            if (p.size() != channels) {
                throw new IllegalArgumentException("parameter " + i + " has " + p.size() + " values, input has "
                        + channels + " channels");
            }
        }
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
}

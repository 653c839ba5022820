package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * LRN, local response normalisation across channels: y = x / (bias + α/size · Σ x²)^β, the sum over the channels
 * c − ⌊(size−1)/2⌋ … c + ⌈(size−1)/2⌉ at the same position.
 */
final class LrnOp implements Op {
    private final float alpha, beta, bias;
    private final int size;
    private int batch, channels, area;

    LrnOp(Attributes a) {
        alpha = a.getFloat("alpha", 1e-4f);
        beta = a.getFloat("beta", 0.75f);
        bias = a.getFloat("bias", 1f);
        size = a.getInt("size", 0);
        if (size <= 0) {
            throw new IllegalArgumentException("LRN needs a positive size attribute, got " + size);
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        Args.requireRank(x, 3, 8, "input X");
        batch = x.shape()[0];
        channels = x.shape()[1];
        area = x.size() / Math.max(1, batch * channels);
        return List.of(ValueMeta.of(x.shape(), x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        int below = (size - 1) / 2, above = size - 1 - below;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int from = Math.max(0, c - below), to = Math.min(channels - 1, c + above);
                int base = (n * channels + c) * area;
                for (int p = 0; p < area; p++) {
                    double sq = 0;
                    for (int k = from; k <= to; k++) {
                        float v = x[(n * channels + k) * area + p];
                        sq += (double) v * v;
                    }
                    y[base + p] = (float) (x[base + p] / Math.pow(bias + alpha / size * sq, beta));
                }
            }
        }
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** GlobalAveragePool and GlobalMaxPool: the mean or maximum over all spatial positions of each channel; spatial dims become 1. */
final class GlobalPoolOp implements Op {
    private final boolean max;
    private int planes, area;

    GlobalPoolOp(boolean max) {
        this.max = max;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        Args.requireRank(x, 3, 8, "input X");
        int[] s = x.shape();
        planes = s[0] * s[1];
        area = x.size() / Math.max(1, planes);
        int[] out = s.clone();
        for (int i = 2; i < out.length; i++) {
            out[i] = 1;
        }
        return List.of(ValueMeta.of(out, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        if (max) {
            for (int p = 0; p < planes; p++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int i = p * area, end = i + area; i < end; i++) {
                    m = Math.max(m, x[i]);
                }
                y[p] = m;
            }
            return;
        }
        for (int p = 0; p < planes; p++) {
            double sum = 0;
            for (int i = p * area, end = i + area; i < end; i++) {
                sum += x[i];
            }
            y[p] = (float) (sum / area);
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] dy = gradOut[0].data(), dx = gradIn[0].data();
        if (max) {   // to the first maximum of each plane
            float[] x = in[0].data(), y = out[0].data();
            for (int p = 0; p < planes; p++) {
                for (int i = p * area, end = i + area; i < end; i++) {
                    if (x[i] == y[p]) {
                        dx[i] += dy[p];
                        break;
                    }
                }
            }
            return;
        }
        for (int p = 0; p < planes; p++) {
            float g = dy[p] / area;
            for (int i = p * area, end = i + area; i < end; i++) {
                dx[i] += g;
            }
        }
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Softmax. From opset 13 it normalises along one axis (default −1); before, the input is seen as a matrix
 * [prod(dims before axis), prod(dims from axis)] (default axis 1) and each row is normalised.
 */
final class SoftmaxOp implements Op {
    private final int axisAttr;
    private final boolean singleAxis;
    private int outer, len, inner;

    SoftmaxOp(Attributes a, int opset) {
        singleAxis = opset >= 13;
        axisAttr = a.getInt("axis", singleAxis ? -1 : 1);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "input");
        int[] s = x.shape();
        int axis = Shapes.axis(axisAttr, Math.max(1, s.length));
        outer = Shapes.product(s, 0, axis);
        if (singleAxis) {
            len = s[axis];
            inner = Shapes.product(s, axis + 1, s.length);
        } else {
            len = Shapes.product(s, axis, s.length);
            inner = 1;
        }
        return List.of(ValueMeta.of(s, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    m = Math.max(m, x[base + j * inner]);
                }
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    float e = (float) Math.exp(x[base + j * inner] - m);
                    y[base + j * inner] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < len; j++) {
                    y[base + j * inner] *= inv;
                }
            }
        }
    }

    /** dx = y · (dy − Σ dy·y) along each normalised group. */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] y = out[0].data(), dy = gradOut[0].data(), dx = gradIn[0].data();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double dot = 0;
                for (int j = 0; j < len; j++) {
                    dot += (double) dy[base + j * inner] * y[base + j * inner];
                }
                for (int j = 0; j < len; j++) {
                    int e = base + j * inner;
                    dx[e] += (float) (y[e] * (dy[e] - dot));
                }
            }
        }
    }
}

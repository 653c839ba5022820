package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Softmax, LogSoftmax and Hardmax (1 at the first maximum, 0 elsewhere). From opset 13 it normalises along one axis (default −1); before, the input is seen as a matrix
 * [prod(dims before axis), prod(dims from axis)] (default axis 1) and each row is normalised.
 */
final class SoftmaxOp implements Op {
    enum Kind { SOFTMAX, LOG_SOFTMAX, HARDMAX }

    private final Kind kind;
    private final int axisAttr;
    private final boolean singleAxis;
    private int outer, len, inner;

    SoftmaxOp(Kind kind, Attributes a, int opset) {
        this.kind = kind;
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
                int argmax = 0;
                for (int j = 0; j < len; j++) {
                    if (x[base + j * inner] > m) {
                        m = x[base + j * inner];
                        argmax = j;
                    }
                }
                if (kind == Kind.HARDMAX) {
                    for (int j = 0; j < len; j++) {
                        y[base + j * inner] = j == argmax ? 1 : 0;
                    }
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    float e = (float) Math.exp(x[base + j * inner] - m);
                    y[base + j * inner] = e;
                    sum += e;
                }
                if (kind == Kind.LOG_SOFTMAX) {
                    float shift = (float) (m + Math.log(sum));
                    for (int j = 0; j < len; j++) {
                        y[base + j * inner] = x[base + j * inner] - shift;
                    }
                    continue;
                }
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < len; j++) {
                    y[base + j * inner] *= inv;
                }
            }
        }
    }

    /**
     * Softmax: dx = y · (dy − Σ dy·y) along each normalised group; LogSoftmax: dx = dy − e^y · Σ dy; Hardmax is
     * piecewise constant, its gradient 0.
     */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] y = out[0].data(), dy = gradOut[0].data(), dx = gradIn[0].data();
        if (kind == Kind.HARDMAX) {
            return;
        }
        if (kind == Kind.LOG_SOFTMAX) {
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * len * inner + i;
                    double sum = 0;
                    for (int j = 0; j < len; j++) {
                        sum += dy[base + j * inner];
                    }
                    for (int j = 0; j < len; j++) {
                        int e = base + j * inner;
                        dx[e] += (float) (dy[e] - Math.exp(y[e]) * sum);
                    }
                }
            }
            return;
        }
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

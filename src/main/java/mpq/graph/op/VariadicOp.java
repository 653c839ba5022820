package mpq.graph.op;

import java.util.List;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/**
 * Max, Min, Sum and Mean of any number of inputs with numpy broadcasting, on every numeric type (integers exact;
 * uint64 compared unsigned; Mean of integers truncated). Max and Min of floats propagate NaN.
 */
final class VariadicOp implements Op {
    enum Kind { MAX, MIN, SUM, MEAN }

    private final Kind kind;
    private int[] outShape;
    private int[][] strides;
    private DType type;

    VariadicOp(Kind kind) {
        this.kind = kind;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        if (in.isEmpty() || in.getFirst() == null) {
            throw new IllegalArgumentException("needs at least one input");
        }
        type = in.getFirst().type();
        int[] s = in.getFirst().shape();
        for (ValueMeta m : in) {
            if (m.type() != type) {
                throw new IllegalArgumentException("inputs of types " + type + " and " + m.type());
            }
            int[] b = Shapes.broadcast(s, m.shape());
            if (b == null) {
                throw new IllegalArgumentException("shapes " + Shapes.toString(s) + " and " + Shapes.toString(m.shape())
                        + " do not broadcast");
            }
            s = b;
        }
        outShape = s;
        strides = new int[in.size()][];
        for (int i = 0; i < in.size(); i++) {
            strides[i] = Strided.broadcastStrides(in.get(i).shape(), outShape.length, outShape);
        }
        return List.of(ValueMeta.of(outShape, type));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor y = out[0];
        int n = y.size();
        for (int k = 0; k < in.length; k++) {
            int[] idx = Strided.sourceIndex(0, strides[k], outShape);
            if (type.isFloat()) {
                float[] x = in[k].data(), r = y.data();
                for (int i = 0; i < n; i++) {
                    r[i] = k == 0 ? x[idx[i]] : floats(r[i], x[idx[i]]);
                }
            } else {
                long[] x = in[k].ints(), r = y.ints();
                for (int i = 0; i < n; i++) {
                    r[i] = k == 0 ? x[idx[i]] : type.wrap(longs(r[i], x[idx[i]]));
                }
            }
        }
        if (kind == Kind.MEAN) {
            if (type.isFloat()) {
                float[] r = y.data();
                for (int i = 0; i < n; i++) {
                    r[i] /= in.length;
                }
            } else {
                long[] r = y.ints();
                for (int i = 0; i < n; i++) {
                    r[i] /= in.length;
                }
            }
        }
    }

    private float floats(float a, float b) {
        return switch (kind) {
            case MAX -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
            case MIN -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
            default -> a + b;
        };
    }

    private long longs(long a, long b) {
        boolean u = type == DType.UINT64;
        return switch (kind) {
            case MAX -> (u ? Long.compareUnsigned(a, b) : Long.compare(a, b)) >= 0 ? a : b;
            case MIN -> (u ? Long.compareUnsigned(a, b) : Long.compare(a, b)) <= 0 ? a : b;
            default -> a + b;
        };
    }

    /** Sum and Mean pass the gradient to every input (scaled); Max and Min to the input that won. */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (!type.isFloat()) {
            throw new UnsupportedOperationException("no backward pass for " + kind + " of " + type);
        }
        float[] dy = gradOut[0].data(), y = out[0].data();
        int n = out[0].size();
        boolean[] taken = new boolean[n];
        for (int k = 0; k < in.length; k++) {
            int[] idx = Strided.sourceIndex(0, strides[k], outShape);
            float[] x = in[k].data(), dx = gradIn[k] == null ? null : gradIn[k].data();
            for (int i = 0; i < n; i++) {
                float g = switch (kind) {
                    case SUM -> dy[i];
                    case MEAN -> dy[i] / in.length;
                    default -> !taken[i] && x[idx[i]] == y[i] ? dy[i] : 0f;
                };
                if ((kind == Kind.MAX || kind == Kind.MIN) && g != 0f) {
                    taken[i] = true;
                }
                if (dx != null) {
                    dx[idx[i]] += g;
                }
            }
        }
    }

    @Override
    public boolean piecewiseLinear() {
        return kind == Kind.MAX || kind == Kind.MIN;
    }

    /** On frozen pieces each output element takes the input that won at the reference. */
    @Override
    public void forwardOnPieces(Tensor[] reference, Tensor[] in, Tensor[] out, Parallel par) {
        int n = out[0].size();
        int[][] idx = new int[in.length][];
        for (int k = 0; k < in.length; k++) {
            idx[k] = Strided.sourceIndex(0, strides[k], outShape);
        }
        float[] y = out[0].data();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < in.length; k++) {
                float r = reference[k].data()[idx[k][i]], b = reference[best].data()[idx[best][i]];
                if (kind == Kind.MAX ? r > b : r < b) {
                    best = k;
                }
            }
            y[i] = in[best].data()[idx[best][i]];
        }
    }
}

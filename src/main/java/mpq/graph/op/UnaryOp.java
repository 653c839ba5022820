package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Elementwise;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** Element-wise activations: Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh. */
final class UnaryOp implements Op {
    enum Kind { RELU, LEAKY_RELU, CLIP, SIGMOID, HARD_SIGMOID, HARD_SWISH, TANH }

    private final Kind kind;
    private final float alpha, beta;
    private final boolean clipFromInputs;
    private float lo = Float.NEGATIVE_INFINITY, hi = Float.POSITIVE_INFINITY;

    UnaryOp(Kind kind, Attributes a, int opset) {
        this.kind = kind;
        this.alpha = a.getFloat("alpha", kind == Kind.LEAKY_RELU ? 0.01f : 0.2f);
        this.beta = a.getFloat("beta", 0.5f);
        this.clipFromInputs = kind == Kind.CLIP && opset >= 11;
        if (kind == Kind.CLIP && !clipFromInputs) {
            lo = a.getFloat("min", lo);
            hi = a.getFloat("max", hi);
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        if (clipFromInputs) {
            ValueMeta min = Args.optional(in, 1), max = Args.optional(in, 2);
            if (min != null) {
                lo = (float) Args.constantScalar(min, "Clip min");
            }
            if (max != null) {
                hi = (float) Args.constantScalar(max, "Clip max");
            }
        }
        return List.of(ValueMeta.of(x.shape(), x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        int n = in[0].size();
        if (kind == Kind.RELU) {
            Elementwise.relu(x, y, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            y[i] = apply(x[i]);
        }
    }

    private float apply(float v) {
        return switch (kind) {
            case RELU -> Math.max(0f, v);
            case LEAKY_RELU -> v >= 0f ? v : alpha * v;
            case CLIP -> Math.min(hi, Math.max(lo, v));
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-v)));
            case HARD_SIGMOID -> Math.max(0f, Math.min(1f, alpha * v + beta));
            case HARD_SWISH -> v * Math.max(0f, Math.min(1f, v / 6f + 0.5f));
            case TANH -> (float) Math.tanh(v);
        };
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] x = in[0].data(), y = out[0].data(), dy = gradOut[0].data(), dx = gradIn[0].data();
        int n = in[0].size();
        if (kind == Kind.RELU) {
            Elementwise.reluBackward(x, dy, dx, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            dx[i] += dy[i] * derivative(x[i], y[i]);
        }
    }

    /** dy/dx at x (with y the forward output); at a kink, the side runtimes and PyTorch pick. */
    private float derivative(float v, float y) {
        return switch (kind) {
            case RELU -> v > 0f ? 1f : 0f;
            case LEAKY_RELU -> v >= 0f ? 1f : alpha;
            case CLIP -> v >= lo && v <= hi ? 1f : 0f;
            case SIGMOID -> y * (1f - y);
            case HARD_SIGMOID -> {
                float t = alpha * v + beta;
                yield t > 0f && t < 1f ? alpha : 0f;
            }
            case HARD_SWISH -> v < -3f ? 0f : v > 3f ? 1f : (2f * v + 3f) / 6f;
            case TANH -> 1f - y * y;
        };
    }

    @Override
    public boolean piecewiseLinear() {
        return kind == Kind.RELU || kind == Kind.LEAKY_RELU || kind == Kind.CLIP;
    }

    @Override
    public void forwardOnPieces(Tensor[] reference, Tensor[] in, Tensor[] out, Parallel par) {
        if (!piecewiseLinear()) {
            forward(in, out, par);
            return;
        }
        float[] r = reference[0].data(), x = in[0].data(), y = out[0].data();
        for (int i = 0; i < in[0].size(); i++) {
            float v = r[i];
            y[i] = switch (kind) {
                case RELU -> v > 0f ? x[i] : 0f;
                case LEAKY_RELU -> v >= 0f ? x[i] : alpha * x[i];
                default -> v < lo ? lo : v > hi ? hi : x[i];   // CLIP
            };
        }
    }
}

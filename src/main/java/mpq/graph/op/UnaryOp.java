package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Elementwise;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * Element-wise ops of one input: activations (Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, Elu,
 * Celu, Selu, Softplus, Softsign, ThresholdedRelu, Shrink), math (Abs, Neg, Sign, Sqrt, Reciprocal, Exp, Log, Erf,
 * the trigonometric and hyperbolic functions and their inverses, Ceil, Floor, Round), tests (IsNaN, IsInf) and Not.
 * Floats are computed in double and stored in their type; Abs, Neg, Sign, Relu and Clip also take integers, Not
 * takes bools. Clip's bounds may be inputs known only at run time.
 */
final class UnaryOp implements Op {
    enum Kind {
        RELU, LEAKY_RELU, CLIP, SIGMOID, HARD_SIGMOID, HARD_SWISH, TANH, ELU, CELU, SELU, SOFTPLUS, SOFTSIGN,
        THRESHOLDED_RELU, SHRINK, ABS, NEG, SIGN, SQRT, RECIPROCAL, EXP, LOG, ERF, GELU, SIN, COS, TAN, ASIN, ACOS, ATAN,
        SINH, COSH, ASINH, ACOSH, ATANH, CEIL, FLOOR, ROUND, IS_NAN, IS_INF, NOT;

        /** Kinds defined on integers too. */
        boolean integers() {
            return this == ABS || this == NEG || this == SIGN || this == RELU || this == CLIP;
        }
    }

    private static final double GELU_C = Math.sqrt(2 / Math.PI);

    private final Kind kind;
    private final float alpha, beta, gamma, lambd, bias;
    private final boolean detectNegative, detectPositive, clipFromInputs, tanhGelu;
    private double lo = Double.NEGATIVE_INFINITY, hi = Double.POSITIVE_INFINITY;
    private DType type;

    UnaryOp(Kind kind, Attributes a, int opset) {
        this.kind = kind;
        this.alpha = a.getFloat("alpha", switch (kind) {
            case LEAKY_RELU -> 0.01f;
            case SELU -> 1.67326319217681884765625f;
            case THRESHOLDED_RELU, ELU, CELU -> 1f;
            default -> 0.2f;   // HardSigmoid
        });
        this.beta = a.getFloat("beta", 0.5f);
        this.gamma = a.getFloat("gamma", 1.05070102214813232421875f);
        this.lambd = a.getFloat("lambd", 0.5f);
        this.bias = a.getFloat("bias", 0f);
        this.detectNegative = a.getInt("detect_negative", 1) != 0;
        this.detectPositive = a.getInt("detect_positive", 1) != 0;
        this.clipFromInputs = kind == Kind.CLIP && opset >= 11;
        String approximate = a.getString("approximate", "none");
        if (kind == Kind.GELU && !approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("Gelu approximate must be none or tanh, got '" + approximate + "'");
        }
        this.tanhGelu = approximate.equals("tanh");
        if (kind == Kind.CLIP && !clipFromInputs) {
            lo = a.getFloat("min", Float.NEGATIVE_INFINITY);
            hi = a.getFloat("max", Float.POSITIVE_INFINITY);
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        type = x.type();
        if (kind == Kind.NOT ? type != DType.BOOL : !type.isFloat() && !kind.integers()) {
            throw new IllegalArgumentException(kind + " does not take " + type);
        }
        if (clipFromInputs) {
            ValueMeta min = Args.optional(in, 1), max = Args.optional(in, 2);
            // Known bounds are taken now; bounds known only at run time are read then.
            if (min != null && min.isConstant()) {
                lo = Args.constantScalar(min, "Clip min");
            }
            if (max != null && max.isConstant()) {
                hi = Args.constantScalar(max, "Clip max");
            }
        }
        DType out = kind == Kind.IS_NAN || kind == Kind.IS_INF ? DType.BOOL : type;
        return List.of(ValueMeta.of(x.shape(), out));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        int n = in[0].size();
        if (kind == Kind.CLIP && clipFromInputs) {
            lo = in.length > 1 && in[1] != null ? in[1].getDouble(0) : lo;
            hi = in.length > 2 && in[2] != null ? in[2].getDouble(0) : hi;
        }
        if (!type.isFloat()) {
            long[] x = in[0].ints(), y = out[0].ints();
            for (int i = 0; i < n; i++) {
                y[i] = type.wrap(integer(x[i]));
            }
            return;
        }
        float[] x = in[0].data();
        if (out[0].type() == DType.BOOL) {
            long[] y = out[0].ints();
            for (int i = 0; i < n; i++) {
                float v = x[i];
                y[i] = (kind == Kind.IS_NAN ? Float.isNaN(v)
                        : Float.isInfinite(v) && (v > 0 ? detectPositive : detectNegative)) ? 1 : 0;
            }
            return;
        }
        float[] y = out[0].data();
        switch (kind) {
            case RELU -> Elementwise.relu(x, y, n);
            case CLIP -> {   // float bounds, float arithmetic: the hot path of ReLU6 networks
                float l = (float) lo, h = (float) hi;
                for (int i = 0; i < n; i++) {
                    y[i] = Math.min(h, Math.max(l, x[i]));
                }
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) {
                    y[i] = x[i] >= 0f ? x[i] : alpha * x[i];
                }
            }
            default -> {
                // The transcendental functions (Erf, Exp, Tanh, …) cost tens of cycles per element: split them up.
                int chunk = Math.max(1 << 13, (n + par.threads() - 1) / par.threads());
                par.forEach((n + chunk - 1) / chunk, (w, c) -> {
                    for (int i = c * chunk, end = Math.min(n, (c + 1) * chunk); i < end; i++) {
                        y[i] = (float) apply(x[i]);
                    }
                });
            }
        }
    }

    private long integer(long v) {
        boolean unsigned = type.isUnsigned();
        return switch (kind) {
            case ABS -> unsigned ? v : Math.abs(v);
            case NEG -> -v;
            case SIGN -> v == 0 ? 0 : unsigned || v > 0 ? 1 : -1;
            case RELU -> unsigned ? v : Math.max(0, v);
            case NOT -> v == 0 ? 1 : 0;
            default -> (long) Math.min(hi, Math.max(lo, type.toDouble(v)));   // CLIP
        };
    }

    private double apply(double v) {
        return switch (kind) {
            case RELU -> Math.max(0, v);
            case LEAKY_RELU -> v >= 0 ? v : alpha * v;
            case CLIP -> Math.min(hi, Math.max(lo, v));
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
            case HARD_SIGMOID -> Math.max(0, Math.min(1, alpha * v + beta));
            case HARD_SWISH -> v * Math.max(0, Math.min(1, v / 6 + 0.5));
            case TANH -> Math.tanh(v);
            case ELU -> v >= 0 ? v : alpha * Math.expm1(v);
            case CELU -> Math.max(0, v) + Math.min(0, alpha * Math.expm1(v / alpha));
            case SELU -> gamma * (v > 0 ? v : alpha * Math.expm1(v));
            case SOFTPLUS -> v > 20 ? v : Math.log1p(Math.exp(v));
            case SOFTSIGN -> v / (1 + Math.abs(v));
            case THRESHOLDED_RELU -> v > alpha ? v : 0;
            case SHRINK -> v < -lambd ? v + bias : v > lambd ? v - bias : 0;
            case ABS -> Math.abs(v);
            case NEG -> -v;
            case SIGN -> Math.signum(v);
            case SQRT -> Math.sqrt(v);
            case RECIPROCAL -> 1 / v;
            case EXP -> Math.exp(v);
            case LOG -> Math.log(v);
            case ERF -> Erf.erf(v);
            case GELU -> tanhGelu ? 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)))
                    : 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2)));
            case SIN -> Math.sin(v);
            case COS -> Math.cos(v);
            case TAN -> Math.tan(v);
            case ASIN -> Math.asin(v);
            case ACOS -> Math.acos(v);
            case ATAN -> Math.atan(v);
            case SINH -> Math.sinh(v);
            case COSH -> Math.cosh(v);
            case ASINH -> Math.log(v + Math.sqrt(v * v + 1));
            case ACOSH -> Math.log(v + Math.sqrt(v * v - 1));
            case ATANH -> 0.5 * Math.log((1 + v) / (1 - v));
            case CEIL -> Math.ceil(v);
            case FLOOR -> Math.floor(v);
            case ROUND -> Math.rint(v);
            default -> throw new IllegalStateException(kind + " gives bools");
        };
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (!type.isFloat() || out[0].type() == DType.BOOL) {
            throw new UnsupportedOperationException("no backward pass for " + kind + " of " + type);
        }
        float[] x = in[0].data(), y = out[0].data(), dy = gradOut[0].data(), dx = gradIn[0].data();
        int n = in[0].size();
        if (kind == Kind.RELU) {
            Elementwise.reluBackward(x, dy, dx, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            dx[i] += (float) (dy[i] * derivative(x[i], y[i]));
        }
    }

    /** dy/dx at x (with y the forward output); at a kink, the side runtimes and PyTorch pick. */
    private double derivative(double v, double y) {
        return switch (kind) {
            case RELU -> v > 0 ? 1 : 0;
            case LEAKY_RELU -> v >= 0 ? 1 : alpha;
            case CLIP -> v >= lo && v <= hi ? 1 : 0;
            case SIGMOID -> y * (1 - y);
            case HARD_SIGMOID -> {
                double t = alpha * v + beta;
                yield t > 0 && t < 1 ? alpha : 0;
            }
            case HARD_SWISH -> v < -3 ? 0 : v > 3 ? 1 : (2 * v + 3) / 6;
            case TANH -> 1 - y * y;
            case ELU -> v >= 0 ? 1 : y + alpha;
            case CELU -> v >= 0 ? 1 : Math.exp(v / alpha);
            case SELU -> v > 0 ? gamma : y + gamma * alpha;
            case SOFTPLUS -> 1 / (1 + Math.exp(-v));
            case SOFTSIGN -> 1 / ((1 + Math.abs(v)) * (1 + Math.abs(v)));
            case THRESHOLDED_RELU -> v > alpha ? 1 : 0;
            case SHRINK -> v < -lambd || v > lambd ? 1 : 0;
            case ABS -> Math.signum(v);
            case NEG -> -1;
            case SIGN, CEIL, FLOOR, ROUND -> 0;
            case SQRT -> 0.5 / y;
            case RECIPROCAL -> -y * y;
            case EXP -> y;
            case LOG -> 1 / v;
            case ERF -> 2 / Math.sqrt(Math.PI) * Math.exp(-v * v);
            case GELU -> {
                if (tanhGelu) {
                    double t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
                    yield 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v);
                }
                yield 0.5 * (1 + Erf.erf(v / Math.sqrt(2))) + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
            }
            case SIN -> Math.cos(v);
            case COS -> -Math.sin(v);
            case TAN -> 1 + y * y;
            case ASIN -> 1 / Math.sqrt(1 - v * v);
            case ACOS -> -1 / Math.sqrt(1 - v * v);
            case ATAN -> 1 / (1 + v * v);
            case SINH -> Math.cosh(v);
            case COSH -> Math.sinh(v);
            case ASINH -> 1 / Math.sqrt(v * v + 1);
            case ACOSH -> 1 / Math.sqrt(v * v - 1);
            case ATANH -> 1 / (1 - v * v);
            default -> throw new UnsupportedOperationException("no backward pass for " + kind);
        };
    }

    @Override
    public boolean piecewiseLinear() {
        return kind == Kind.RELU || kind == Kind.LEAKY_RELU || kind == Kind.CLIP || kind == Kind.ABS
                || kind == Kind.THRESHOLDED_RELU || kind == Kind.SHRINK;
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
                case ABS -> v >= 0f ? x[i] : -x[i];
                case THRESHOLDED_RELU -> v > alpha ? x[i] : 0f;
                case SHRINK -> v < -lambd ? x[i] + bias : v > lambd ? x[i] - bias : 0f;
                default -> v < lo ? (float) lo : v > hi ? (float) hi : x[i];   // CLIP
            };
        }
    }
}

package mpq.graph.op;

import java.util.Arrays;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Elementwise;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Broadcast;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/**
 * Element-wise ops of two inputs with numpy broadcasting, on every numeric type: arithmetic (Add, Sub, Mul, Div,
 * Pow, Mod, PRelu), logic on bools (And, Or, Xor) and comparisons (Equal, Less, …, giving bools). Integer results
 * are exact and wrap to the type; integer Div truncates toward zero; Mod with fmod = 0 takes the divisor's sign.
 */
final class BinaryOp implements Op {
    enum Kind {
        ADD, SUB, MUL, DIV, POW, MOD, PRELU, AND, OR, XOR, EQUAL, LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL;

        boolean logical() {
            return this == AND || this == OR || this == XOR;
        }

        boolean comparison() {
            return this.ordinal() >= EQUAL.ordinal();
        }
    }

    private final Kind kind;
    private final boolean fmod;
    private int[] outShape, aStrides, bStrides;
    private boolean sameShape, relu;
    private DType type;   // of input A, in which arithmetic is done

    BinaryOp(Kind kind, Attributes a) {
        this.kind = kind;
        this.fmod = a.getInt("fmod", 0) != 0;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta a = Args.input(in, 0, "A");
        ValueMeta b = Args.input(in, 1, "B");
        int[] bShape = b.shape();
        if (kind == Kind.PRELU && bShape.length == 1 && a.rank() >= 2 && bShape[0] == a.shape()[1] && bShape[0] > 1
                && !Arrays.equals(Shapes.broadcast(a.shape(), bShape), a.shape())) {
            bShape = new int[a.rank() - 1];   // a slope per channel, as PyTorch exported it before opset 9: [C, 1, …]
            Arrays.fill(bShape, 1);
            bShape[0] = b.shape()[0];
        }
        outShape = Shapes.broadcast(a.shape(), bShape);
        if (outShape == null || (kind == Kind.PRELU && !Arrays.equals(outShape, a.shape()))) {
            throw new IllegalArgumentException("shapes " + Shapes.toString(a.shape()) + " and "
                    + Shapes.toString(bShape) + " do not broadcast" + (kind == Kind.PRELU ? " to the input's" : ""));
        }
        type = a.type();
        if (kind != Kind.POW && b.type() != type) {
            throw new IllegalArgumentException("inputs of types " + type + " and " + b.type() + " (they must be the same)");
        }
        if (kind.logical() && type != DType.BOOL) {
            throw new IllegalArgumentException("logical ops take bools, got " + type);
        }
        if (kind == Kind.MOD && type.isFloat() && !fmod) {
            throw new IllegalArgumentException("Mod of floats needs fmod = 1");
        }
        sameShape = Arrays.equals(a.shape(), bShape);
        aStrides = Strided.broadcastStrides(a.shape(), outShape.length, outShape);
        bStrides = Strided.broadcastStrides(bShape, outShape.length, outShape);
        return List.of(ValueMeta.of(outShape, kind.comparison() ? DType.BOOL : type));
    }

    @Override
    public boolean fuseRelu() {
        if (!type.isFloat() || kind.comparison()) {
            return false;
        }
        relu = true;
        return true;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        int n = out[0].size();
        if (type.isFloat() && !kind.comparison() && kind != Kind.POW) {
            float[] a = in[0].data(), b = in[1].data(), y = out[0].data();
            if (sameShape && kind == Kind.ADD) {
                int chunk = Math.max(1 << 14, (n + par.threads() - 1) / par.threads());
                par.forEach((n + chunk - 1) / chunk, (w, c) -> {
                    Elementwise.add(a, b, y, c * chunk, Math.min(n, (c + 1) * chunk), relu);
                });
                return;
            }
            Broadcast.Arith arith = switch (kind) {
                case ADD -> Broadcast.Arith.ADD;
                case SUB -> Broadcast.Arith.SUB;
                case MUL -> Broadcast.Arith.MUL;
                case DIV -> Broadcast.Arith.DIV;
                default -> null;
            };
            if (arith != null) {
                Broadcast.apply(arith, a, aStrides, b, bStrides, outShape, y, par);
            } else {
                Broadcast.apply(floatOp(), a, aStrides, b, bStrides, outShape, y, par);
            }
            if (relu) {
                Elementwise.relu(y, y, n);
            }
            return;
        }
        if (kind == Kind.POW && type.isFloat() && in[1].size() == 1 && in[0].size() == n) {
            // x^c for one exponent c (LayerNorm's square): no index tables, and x·x for c = 2
            float[] x = in[0].data(), y = out[0].data();
            double c = in[1].getDouble(0);
            for (int i = 0; i < n; i++) {
                y[i] = c == 2 ? x[i] * x[i] : (float) Math.pow(x[i], c);
            }
            return;
        }
        int[] ai = Strided.sourceIndex(0, aStrides, outShape), bi = Strided.sourceIndex(0, bStrides, outShape);
        Tensor a = in[0], b = in[1], y = out[0];
        if (kind.comparison()) {
            long[] r = y.ints();
            for (int i = 0; i < n; i++) {
                r[i] = compare(a, ai[i], b, bi[i]) ? 1 : 0;
            }
        } else if (kind == Kind.POW) {
            for (int i = 0; i < n; i++) {
                double v = Math.pow(a.getDouble(ai[i]), b.getDouble(bi[i]));
                if (type.isFloat()) {
                    y.data()[i] = (float) v;
                } else {
                    y.ints()[i] = type.fromDouble(v);
                }
            }
        } else {
            long[] x = a.ints(), z = b.ints(), r = y.ints();
            for (int i = 0; i < n; i++) {
                r[i] = type.wrap(integer(x[ai[i]], z[bi[i]]));
            }
        }
    }

    private Broadcast.FloatOp floatOp() {
        return switch (kind) {
            case ADD -> (x, z) -> x + z;
            case SUB -> (x, z) -> x - z;
            case MUL -> (x, z) -> x * z;
            case DIV -> (x, z) -> x / z;
            case MOD -> (x, z) -> x % z;   // fmod: the dividend's sign
            case PRELU -> (x, z) -> x >= 0 ? x : z * x;
            default -> throw new IllegalStateException(kind + " has no float form");
        };
    }

    private boolean compare(Tensor a, int i, Tensor b, int j) {
        int c;
        if (type.isFloat()) {
            double x = a.data()[i], z = b.data()[j];
            if (Double.isNaN(x) || Double.isNaN(z)) {
                return false;
            }
            c = Double.compare(x, z) == 0 || x == z ? 0 : x < z ? -1 : 1;
        } else {
            long x = a.ints()[i], z = b.ints()[j];
            c = type == DType.UINT64 ? Long.compareUnsigned(x, z) : Long.compare(x, z);
        }
        return switch (kind) {
            case EQUAL -> c == 0;
            case LESS -> c < 0;
            case LESS_OR_EQUAL -> c <= 0;
            case GREATER -> c > 0;
            default -> c >= 0;   // GREATER_OR_EQUAL
        };
    }

    private long integer(long x, long z) {
        boolean unsigned = type == DType.UINT64;
        return switch (kind) {
            case ADD -> x + z;
            case SUB -> x - z;
            case MUL -> x * z;
            case DIV -> {
                if (z == 0) {
                    throw new IllegalArgumentException("integer division by zero");
                }
                yield unsigned ? Long.divideUnsigned(x, z) : x / z;
            }
            case MOD -> {
                if (z == 0) {
                    throw new IllegalArgumentException("integer modulo by zero");
                }
                long r = unsigned ? Long.remainderUnsigned(x, z) : x % z;
                yield !fmod && !unsigned && r != 0 && (r < 0) != (z < 0) ? r + z : r;
            }
            case PRELU -> x >= 0 ? x : z * x;
            case AND -> x & z;
            case OR -> x | z;
            case XOR -> x ^ z;
            default -> throw new IllegalStateException(kind + " is not arithmetic");
        };
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (!type.isFloat() || kind.comparison() || kind == Kind.MOD) {
            throw new UnsupportedOperationException("no backward pass for " + kind + " of " + type);
        }
        float[] a = in[0].data(), b = in[1].data(), dy = gradOut[0].data(), y = out[0].data();
        float[] da = gradIn[0] == null ? null : gradIn[0].data(), db = gradIn[1] == null ? null : gradIn[1].data();
        int n = out[0].size();
        if (sameShape && (kind == Kind.ADD || kind == Kind.SUB)) {
            float sign = kind == Kind.ADD ? 1f : -1f;
            for (int i = 0; i < n; i++) {
                if (da != null) {
                    da[i] += dy[i];
                }
                if (db != null) {
                    db[i] += sign * dy[i];
                }
            }
            return;
        }
        int[] ai = Strided.sourceIndex(0, aStrides, outShape), bi = Strided.sourceIndex(0, bStrides, outShape);
        for (int i = 0; i < n; i++) {
            float g = dy[i], x = a[ai[i]], z = b[bi[i]];
            float ga, gb;
            switch (kind) {
                case ADD -> { ga = g; gb = g; }
                case SUB -> { ga = g; gb = -g; }
                case MUL -> { ga = g * z; gb = g * x; }
                case DIV -> { ga = g / z; gb = -g * x / (z * z); }
                case POW -> {
                    ga = x == 0 ? (z == 1 ? g : 0) : g * z * y[i] / x;
                    gb = x > 0 ? g * y[i] * (float) Math.log(x) : 0;
                }
                default -> { ga = x >= 0 ? g : g * z; gb = x >= 0 ? 0 : g * x; }   // PRELU
            }
            if (da != null) {
                da[ai[i]] += ga;
            }
            if (db != null) {
                db[bi[i]] += gb;
            }
        }
    }

    @Override
    public boolean piecewiseLinear() {
        return kind == Kind.PRELU;
    }

    @Override
    public void forwardOnPieces(Tensor[] reference, Tensor[] in, Tensor[] out, Parallel par) {
        if (kind != Kind.PRELU) {
            forward(in, out, par);
            return;
        }
        float[] r = reference[0].data(), x = in[0].data(), s = in[1].data(), y = out[0].data();
        int[] bi = Strided.sourceIndex(0, bStrides, outShape);
        for (int i = 0; i < out[0].size(); i++) {
            y[i] = r[i] >= 0 ? x[i] : s[bi[i]] * x[i];
        }
    }
}

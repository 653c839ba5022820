package mpq.graph.op;

import java.util.Arrays;
import java.util.List;
import mpq.graph.DType;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Elementwise;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/** Add, Sub, Mul, Div with numpy broadcasting. Integer Div truncates toward zero, as integer division does. */
final class BinaryOp implements Op {
    enum Kind { ADD, SUB, MUL, DIV }

    private final Kind kind;
    private int[] outShape, aStrides, bStrides;
    private boolean sameShape, integer, relu;

    BinaryOp(Kind kind) {
        this.kind = kind;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta a = Args.input(in, 0, "A");
        ValueMeta b = Args.input(in, 1, "B");
        outShape = Shapes.broadcast(a.shape(), b.shape());
        if (outShape == null) {
            throw new IllegalArgumentException("shapes " + Shapes.toString(a.shape()) + " and "
                    + Shapes.toString(b.shape()) + " do not broadcast");
        }
        sameShape = Arrays.equals(a.shape(), b.shape());
        aStrides = Strided.broadcastStrides(a.shape(), outShape.length, outShape);
        bStrides = Strided.broadcastStrides(b.shape(), outShape.length, outShape);
        DType type = a.type();
        integer = type.isInteger();
        return List.of(ValueMeta.of(outShape, type));
    }

    @Override
    public boolean fuseRelu() {
        relu = true;
        return true;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] a = in[0].data(), b = in[1].data(), y = out[0].data();
        int n = out[0].size();
        if (sameShape && kind == Kind.ADD) {
            int chunk = Math.max(1 << 14, (n + par.threads() - 1) / par.threads());
            par.forEach((n + chunk - 1) / chunk, (w, c) -> {
                Elementwise.add(a, b, y, c * chunk, Math.min(n, (c + 1) * chunk), relu);
            });
            return;
        }
        Strided.binary(a, aStrides, b, bStrides, outShape, y, op());
        if (relu) {
            Elementwise.relu(y, y, n);
        }
    }

    private Strided.FloatOp op() {
        return switch (kind) {
            case ADD -> (x, z) -> x + z;
            case SUB -> (x, z) -> x - z;
            case MUL -> (x, z) -> x * z;
            case DIV -> integer ? (x, z) -> (float) ((long) x / (long) z) : (x, z) -> x / z;
        };
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] a = in[0].data(), b = in[1].data(), dy = gradOut[0].data();
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
                default -> { ga = g / z; gb = -g * x / (z * z); }
            }
            if (da != null) {
                da[ai[i]] += ga;
            }
            if (db != null) {
                db[bi[i]] += gb;
            }
        }
    }
}

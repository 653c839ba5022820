package mpq.tensor;

/**
 * Binary float operations on inputs read through broadcast strides (0 on a broadcast axis): rows of the innermost
 * axis split over the threads; for the four arithmetic operations each row is one plain loop for the common layouts
 * (both contiguous, or one side a scalar along the row: a bias, a LayerNorm mean) that the JIT compiles to vector code.
 */
public final class Broadcast {
    private Broadcast() {}

    public enum Arith { ADD, SUB, MUL, DIV }

    /** Rows smaller than this many elements in total are not worth a thread. */
    private static final int MIN_WORK = 1 << 15;

    /** A binary float function, without boxing. */
    @FunctionalInterface
    public interface FloatOp {
        float apply(float a, float b);
    }

    /** y = op(a, b) for one of the four operations. */
    public static void apply(Arith op, float[] a, int[] aStrides, float[] b, int[] bStrides, int[] outShape, float[] y,
                             Parallel par) {
        rows(aStrides, bStrides, outShape, par, (ao, as, bo, bs, yo, n) -> row(op, a, ao, as, b, bo, bs, y, yo, n));
    }

    /** y = f(a, b) for any function (Pow, Mod, PRelu, …), through a call per element. */
    public static void apply(FloatOp f, float[] a, int[] aStrides, float[] b, int[] bStrides, int[] outShape, float[] y,
                             Parallel par) {
        rows(aStrides, bStrides, outShape, par, (ao, as, bo, bs, yo, n) -> {
            for (int i = 0; i < n; i++) {
                y[yo + i] = f.apply(a[ao + i * as], b[bo + i * bs]);
            }
        });
    }

    /** One row of the innermost axis: inputs from offsets ao, bo with strides as, bs; n outputs from yo. */
    private interface Row {
        void run(int ao, int as, int bo, int bs, int yo, int n);
    }

    private static void rows(int[] aStrides, int[] bStrides, int[] outShape, Parallel par, Row body) {
        int rank = outShape.length, total = Shapes.size(outShape);
        if (total == 0) {
            return;
        }
        if (rank == 0) {
            body.run(0, 0, 0, 0, 0, 1);
            return;
        }
        int inner = outShape[rank - 1], rows = total / inner;
        int as = aStrides[rank - 1], bs = bStrides[rank - 1];
        int perTask = Math.max(1, Math.min(rows, MIN_WORK / Math.max(1, inner)));
        int tasks = (rows + perTask - 1) / perTask;
        Parallel.Body task = (w, t) -> {
            int from = t * perTask, to = Math.min(rows, from + perTask);
            int[] idx = new int[rank];
            int ao = 0, bo = 0, r = from;
            for (int d = rank - 2; d >= 0; d--) {   // the offsets of row `from`
                idx[d] = r % outShape[d];
                r /= outShape[d];
                ao += idx[d] * aStrides[d];
                bo += idx[d] * bStrides[d];
            }
            for (int row = from; row < to; row++) {
                body.run(ao, as, bo, bs, row * inner, inner);
                for (int d = rank - 2; d >= 0; d--) {   // odometer step of both offsets over the outer axes
                    idx[d]++;
                    ao += aStrides[d];
                    bo += bStrides[d];
                    if (idx[d] < outShape[d]) {
                        break;
                    }
                    ao -= aStrides[d] * outShape[d];
                    bo -= bStrides[d] * outShape[d];
                    idx[d] = 0;
                }
            }
        };
        if (tasks == 1 || par == null) {
            for (int t = 0; t < tasks; t++) {
                task.run(0, t);
            }
        } else {
            par.forEach(tasks, task);
        }
    }

    private static void row(Arith op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] + b[bo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] - b[bo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] * b[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] / b[bo + i]; }
            }
        } else if (as == 1 && bs == 0) {
            float v = b[bo];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] + v; }
                case SUB -> { for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] - v; }
                case MUL -> { for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] * v; }
                case DIV -> { for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] / v; }
            }
        } else if (as == 0 && bs == 1) {
            float v = a[ao];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) y[yo + i] = v + b[bo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) y[yo + i] = v - b[bo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) y[yo + i] = v * b[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) y[yo + i] = v / b[bo + i]; }
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = a[ao + i * as], z = b[bo + i * bs];
                y[yo + i] = switch (op) {
                    case ADD -> x + z;
                    case SUB -> x - z;
                    case MUL -> x * z;
                    case DIV -> x / z;
                };
            }
        }
    }
}

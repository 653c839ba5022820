package mpq.graph.op;

import java.util.Arrays;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Strided;
import mpq.tensor.Tensor;

/**
 * The Reduce ops (Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare) over the axes given as an
 * attribute or, from opset 13 (ReduceSum) and 18 (the others), as an input; keepdims, noop_with_empty_axes. Floats
 * accumulate in double; integers (Sum, Mean, Max, Min, Prod) exactly.
 */
final class ReduceOp implements Op {
    enum Kind { SUM, MEAN, MAX, MIN, PROD, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE }

    private final Kind kind;
    private final boolean keepDims, noopWithEmptyAxes, axesFromInput;
    private final int[] axesAttr;
    private int[] inShape, outIndexStrides;
    private int count;
    private boolean noop;
    private DType type;

    ReduceOp(Kind kind, Attributes a, int opset) {
        this.kind = kind;
        this.keepDims = a.getInt("keepdims", 1) != 0;
        this.noopWithEmptyAxes = a.getInt("noop_with_empty_axes", 0) != 0;
        this.axesFromInput = opset >= (kind == Kind.SUM ? 13 : 18);
        this.axesAttr = a.getInts("axes", null);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "data");
        type = x.type();
        if (!type.isFloat() && kind.ordinal() > Kind.PROD.ordinal()) {
            throw new IllegalArgumentException("Reduce" + kind + " takes floats, got " + type);
        }
        inShape = x.shape();
        int r = inShape.length;
        int[] axes = axesAttr;
        ValueMeta axesIn = Args.optional(in, 1);
        if (axesFromInput && axesIn != null) {
            axes = Args.constantInts(axesIn, "axes");
        }
        noop = axes == null || axes.length == 0 ? noopWithEmptyAxes : false;
        boolean[] reduced = new boolean[r];
        if (!noop) {
            if (axes == null || axes.length == 0) {
                Arrays.fill(reduced, true);
            } else {
                for (int a : Args.normalizeAxes(axes, r)) {
                    reduced[a] = true;
                }
            }
        }
        int[] kept = new int[r];
        int[] outShape = keepDims ? new int[r] : new int[(int) java.util.stream.IntStream.range(0, r)
                .filter(d -> !reduced[d]).count()];
        for (int d = 0, j = 0; d < r; d++) {
            kept[d] = reduced[d] ? 1 : inShape[d];
            if (keepDims) {
                outShape[d] = kept[d];
            } else if (!reduced[d]) {
                outShape[j++] = inShape[d];
            }
        }
        // the output element each input element falls into: strides of the kept shape, 0 along reduced axes
        int[] keptStrides = Shapes.strides(kept);
        outIndexStrides = new int[r];
        count = 1;
        for (int d = 0; d < r; d++) {
            outIndexStrides[d] = reduced[d] ? 0 : keptStrides[d];
            count *= reduced[d] ? inShape[d] : 1;
        }
        return List.of(ValueMeta.of(noop ? inShape : outShape, type));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor x = in[0], y = out[0];
        if (noop) {
            x.copyInto(y);
            return;
        }
        int n = x.size(), m = y.size();
        int[] o = Strided.sourceIndex(0, outIndexStrides, inShape);
        if (!type.isFloat()) {
            long[] acc = new long[m];
            Arrays.fill(acc, switch (kind) {
                case PROD -> 1L;
                case MAX -> type == DType.UINT64 ? 0L : Long.MIN_VALUE;
                case MIN -> type == DType.UINT64 ? -1L : Long.MAX_VALUE;
                default -> 0L;
            });
            long[] v = x.ints();
            boolean u = type == DType.UINT64;
            for (int i = 0; i < n; i++) {
                long a = acc[o[i]], b = v[i];
                acc[o[i]] = switch (kind) {
                    case PROD -> a * b;
                    case MAX -> (u ? Long.compareUnsigned(b, a) : Long.compare(b, a)) > 0 ? b : a;
                    case MIN -> (u ? Long.compareUnsigned(b, a) : Long.compare(b, a)) < 0 ? b : a;
                    default -> a + b;
                };
            }
            long[] r = y.ints();
            for (int j = 0; j < m; j++) {
                r[j] = type.wrap(kind == Kind.MEAN ? acc[j] / Math.max(1, count) : acc[j]);
            }
            return;
        }
        float[] v = x.data(), r = y.data();
        double[] acc = new double[m];
        double[] shift = new double[m];
        if (kind == Kind.LOG_SUM_EXP) {
            Arrays.fill(shift, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                shift[o[i]] = Math.max(shift[o[i]], v[i]);
            }
            for (int j = 0; j < m; j++) {
                shift[j] = Double.isInfinite(shift[j]) ? 0 : shift[j];
            }
        }
        Arrays.fill(acc, switch (kind) {
            case PROD -> 1;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            default -> 0;
        });
        for (int i = 0; i < n; i++) {
            double a = acc[o[i]], b = v[i];
            acc[o[i]] = switch (kind) {
                case PROD -> a * b;
                case MAX -> Double.isNaN(b) || b > a ? b : a;
                case MIN -> Double.isNaN(b) || b < a ? b : a;
                case L1 -> a + Math.abs(b);
                case L2, SUM_SQUARE -> a + b * b;
                case LOG_SUM_EXP -> a + Math.exp(b - shift[o[i]]);
                default -> a + b;   // SUM, MEAN, LOG_SUM
            };
        }
        for (int j = 0; j < m; j++) {
            r[j] = (float) switch (kind) {
                case MEAN -> acc[j] / count;
                case L2 -> Math.sqrt(acc[j]);
                case LOG_SUM -> Math.log(acc[j]);
                case LOG_SUM_EXP -> Math.log(acc[j]) + shift[j];
                default -> acc[j];
            };
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (!type.isFloat() || gradIn[0] == null) {
            if (!type.isFloat()) {
                throw new UnsupportedOperationException("no backward pass for Reduce" + kind + " of " + type);
            }
            return;
        }
        float[] x = in[0].data(), y = out[0].data(), dy = gradOut[0].data(), dx = gradIn[0].data();
        if (noop) {
            for (int i = 0; i < in[0].size(); i++) {
                dx[i] += dy[i];
            }
            return;
        }
        int[] o = Strided.sourceIndex(0, outIndexStrides, inShape);
        for (int i = 0; i < in[0].size(); i++) {
            int j = o[i];
            double g = dy[j];
            dx[i] += (float) switch (kind) {
                case SUM -> g;
                case MEAN -> g / count;
                case SUM_SQUARE -> 2 * x[i] * g;
                case L2 -> y[j] == 0 ? 0 : x[i] / y[j] * g;
                case L1 -> Math.signum(x[i]) * g;
                case PROD -> x[i] == 0 ? 0 : y[j] / x[i] * g;
                case MAX, MIN -> x[i] == y[j] ? g : 0;
                case LOG_SUM -> g / Math.exp(y[j]);
                default -> Math.exp(x[i] - y[j]) * g;   // LOG_SUM_EXP
            };
        }
    }
}

package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Pad in constant, reflect or edge mode (pads as an input from opset 11, an attribute before; negative pads crop).
 * Each output coordinate maps to an input coordinate per axis, or to none (the constant) — the maps are made once.
 */
final class PadOp implements Op {
    private final Attributes attrs;
    private final int opset;
    private final String mode;
    private double value;
    private int[] inShape, outShape;
    private int[][] maps;   // per axis: output coordinate -> input coordinate, or -1 for the constant
    private int[] sourceIndex;

    PadOp(Attributes attrs, int opset) {
        this.attrs = attrs;
        this.opset = opset;
        this.mode = attrs.getString("mode", "constant");
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")) {
            throw new IllegalArgumentException("Pad mode '" + mode + "' is not supported (constant, reflect, edge)");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "data");
        inShape = x.shape();
        int r = inShape.length;
        long[] pads;
        int[] axes = null;
        if (opset >= 11) {
            pads = Args.constantLongs(Args.input(in, 1, "pads"), "Pad pads");
            ValueMeta v = Args.optional(in, 2);
            value = v == null ? 0 : Args.constantScalar(v, "Pad constant_value");
            ValueMeta a = Args.optional(in, 3);
            if (a != null) {
                axes = Args.normalizeAxes(Args.constantInts(a, "Pad axes"), r);
            }
        } else {
            pads = attrs.getLongs("pads", null);
            value = attrs.getFloat("value", 0f);
            if (pads == null) {
                throw new IllegalArgumentException("Pad needs pads");
            }
        }
        if (axes == null) {
            axes = new int[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i;
            }
        }
        if (pads.length != 2 * axes.length) {
            throw new IllegalArgumentException("Pad pads has " + pads.length + " values, expected " + 2 * axes.length);
        }
        int[] begin = new int[r], end = new int[r];
        for (int i = 0; i < axes.length; i++) {
            begin[axes[i]] = (int) pads[i];
            end[axes[i]] = (int) pads[i + axes.length];
        }
        outShape = new int[r];
        maps = new int[r][];
        sourceIndex = null;
        for (int d = 0; d < r; d++) {
            outShape[d] = inShape[d] + begin[d] + end[d];
            if (outShape[d] < 0) {
                throw new IllegalArgumentException("Pad crops axis " + d + " below zero");
            }
            if (!mode.equals("constant") && inShape[d] == 0 && outShape[d] > 0) {
                throw new IllegalArgumentException("cannot " + mode + "-pad an empty axis");
            }
            maps[d] = new int[outShape[d]];
            for (int o = 0; o < outShape[d]; o++) {
                maps[d][o] = source(o - begin[d], inShape[d]);
            }
        }
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    private int source(int i, int n) {
        if (i >= 0 && i < n) {
            return i;
        }
        return switch (mode) {
            case "edge" -> Math.max(0, Math.min(n - 1, i));
            case "reflect" -> {
                if (n == 1) {
                    yield 0;
                }
                int period = 2 * (n - 1);
                int m = Math.floorMod(i, period);
                yield m < n ? m : period - m;
            }
            default -> -1;
        };
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        int[] src = sources();
        if (in[0].isFloat()) {
            float[] x = in[0].data(), y = out[0].data();
            for (int o = 0; o < src.length; o++) {
                y[o] = src[o] >= 0 ? x[src[o]] : (float) value;
            }
        } else {
            long[] x = in[0].ints(), y = out[0].ints();
            long v = in[0].type().fromDouble(value);
            for (int o = 0; o < src.length; o++) {
                y[o] = src[o] >= 0 ? x[src[o]] : v;
            }
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] dy = gradOut[0].data(), dx = gradIn[0].data();
        int[] src = sources();
        for (int o = 0; o < src.length; o++) {
            if (src[o] >= 0) {
                dx[src[o]] += dy[o];
            }
        }
    }

    /** For each output element, the input element it copies, or −1 where it holds the constant. Built once. */
    private int[] sources() {
        if (sourceIndex != null) {
            return sourceIndex;
        }
        int r = outShape.length;
        int total = Shapes.size(outShape);
        int[] out = new int[total];
        if (r == 0) {
            return sourceIndex = out;   // a scalar copies element 0
        }
        int[] inStrides = Shapes.strides(inShape);
        int inner = outShape[r - 1];
        int[] lastMap = maps[r - 1];
        int[] idx = new int[r];
        for (int o = 0; o < total; o += inner) {
            int src = 0;
            boolean inside = true;
            for (int d = 0; d < r - 1; d++) {
                int m = maps[d][idx[d]];
                if (m < 0) {
                    inside = false;
                    break;
                }
                src += m * inStrides[d];
            }
            for (int j = 0; j < inner; j++) {
                int m = lastMap[j];
                out[o + j] = inside && m >= 0 ? src + m : -1;
            }
            for (int d = r - 2; d >= 0; d--) {
                if (++idx[d] < outShape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return sourceIndex = out;
    }
}

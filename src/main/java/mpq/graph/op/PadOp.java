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
    private int[] sourceIndex;   // per output row: where its input row starts, or −1 (see rowSources)

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
            begin[axes[i]] = padAmount(pads[i]);
            end[axes[i]] = padAmount(pads[i + axes.length]);
        }
        outShape = new int[r];
        for (int d = 0; d < r; d++) {
            long size = (long) inShape[d] + begin[d] + end[d];
            if (size < 0 || size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Pad makes axis " + d + " of size " + size);
            }
            outShape[d] = (int) size;
            if (!mode.equals("constant") && inShape[d] == 0 && outShape[d] > 0) {
                throw new IllegalArgumentException("cannot " + mode + "-pad an empty axis");
            }
        }
        Shapes.requireAllocatable(outShape, x.type().isFloat() ? Float.BYTES : Long.BYTES);
        maps = new int[r][];
        sourceIndex = null;
        for (int d = 0; d < r; d++) {
            maps[d] = new int[outShape[d]];
            for (int o = 0; o < outShape[d]; o++) {
                maps[d][o] = source(o - begin[d], inShape[d]);
            }
        }
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    /** A pad amount in the int range (the sum with the axis size is checked by the output shape). */
    private static int padAmount(long p) {
        if (p < -(1L << 30) || p > (1L << 30)) {
            throw new IllegalArgumentException("pad amount " + p + " is out of range");
        }
        return (int) p;
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
        int[] rowStart = rowSources();
        int inner = innerLength();
        int[] lastMap = maps.length == 0 ? new int[] {0} : maps[maps.length - 1];
        if (in[0].isFloat()) {
            float[] x = in[0].data(), y = out[0].data();
            float v = (float) value;
            for (int row = 0, o = 0; row < rowStart.length; row++, o += inner) {
                int src = rowStart[row];
                for (int j = 0; j < inner; j++) {
                    int m = lastMap[j];
                    y[o + j] = src >= 0 && m >= 0 ? x[src + m] : v;
                }
            }
        } else {
            long[] x = in[0].ints(), y = out[0].ints();
            long v = in[0].type().fromDouble(value);
            for (int row = 0, o = 0; row < rowStart.length; row++, o += inner) {
                int src = rowStart[row];
                for (int j = 0; j < inner; j++) {
                    int m = lastMap[j];
                    y[o + j] = src >= 0 && m >= 0 ? x[src + m] : v;
                }
            }
        }
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] dy = gradOut[0].data(), dx = gradIn[0].data();
        int[] rowStart = rowSources();
        int inner = innerLength();
        int[] lastMap = maps.length == 0 ? new int[] {0} : maps[maps.length - 1];
        for (int row = 0, o = 0; row < rowStart.length; row++, o += inner) {
            int src = rowStart[row];
            for (int j = 0; src >= 0 && j < inner; j++) {
                if (lastMap[j] >= 0) {
                    dx[src + lastMap[j]] += dy[o + j];
                }
            }
        }
    }

    /** Length of the output's last axis (1 for a scalar). */
    private int innerLength() {
        return outShape.length == 0 ? 1 : outShape[outShape.length - 1];
    }

    /**
     * For each output row (all axes but the last), where its input row starts, or −1 where the row is all
     * constant. Built once per plan: one int per row, not per element.
     */
    private int[] rowSources() {
        if (sourceIndex != null) {
            return sourceIndex;
        }
        int r = outShape.length;
        if (r == 0) {
            return sourceIndex = new int[] {0};   // a scalar copies element 0
        }
        int rows = Shapes.size(outShape) / Math.max(1, outShape[r - 1]);
        if (outShape[r - 1] == 0) {
            rows = 0;
        }
        int[] out = new int[rows];
        int[] inStrides = Shapes.strides(inShape);
        int[] idx = new int[r];
        for (int row = 0; row < rows; row++) {
            int src = 0;
            for (int d = 0; d < r - 1 && src >= 0; d++) {
                int m = maps[d][idx[d]];
                src = m < 0 ? -1 : src + m * inStrides[d];
            }
            out[row] = src;
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

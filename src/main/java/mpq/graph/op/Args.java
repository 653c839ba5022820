package mpq.graph.op;

import java.util.List;
import mpq.graph.ValueMeta;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** Helpers for reading op inputs at plan time: required inputs, constant integer lists, ranks. */
final class Args {
    private Args() {}

    static ValueMeta input(List<ValueMeta> in, int i, String what) {
        ValueMeta m = i < in.size() ? in.get(i) : null;
        if (m == null) {
            throw new IllegalArgumentException("missing input " + i + " (" + what + ")");
        }
        return m;
    }

    static ValueMeta optional(List<ValueMeta> in, int i) {
        return i < in.size() ? in.get(i) : null;
    }

    /**
     * {outer, channels, inner} of a shape split at the axis parameters are given along (per-axis quantization);
     * the axis must have exactly channels entries, else the message ends "… entries but " + countPhrase.
     */
    static int[] axisLayout(int[] shape, int axisAttr, int channels, String countPhrase) {
        int axis = Shapes.axis(axisAttr, shape.length);
        if (shape[axis] != channels) {
            throw new IllegalArgumentException("axis " + axis + " of " + Shapes.toString(shape) + " has " + shape[axis]
                    + " entries but " + countPhrase);
        }
        return new int[] {Shapes.size(java.util.Arrays.copyOfRange(shape, 0, axis)), channels,
                Shapes.size(java.util.Arrays.copyOfRange(shape, axis + 1, shape.length))};
    }

    /** Inputs 1, 2, … (named as given) must each hold one value per channel. */
    static void requirePerChannel(List<ValueMeta> in, int channels, String... names) {
        for (int i = 1; i <= names.length; i++) {
            ValueMeta p = input(in, i, names[i - 1]);
            if (p.size() != channels) {
                throw new IllegalArgumentException("input " + i + " (" + names[i - 1] + ") has " + p.size()
                        + " values, the data has " + channels + " channels");
            }
        }
    }

    /** The values of a constant integer input as ints (clamped to the int range), or throws. */
    static long[] constantLongs(ValueMeta m, String what) {
        if (m.constant() == null) {
            throw new IllegalArgumentException(what + " must be a constant known before running");
        }
        Tensor t = m.constant();
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            double v = t.get(i);
            out[i] = v >= Long.MAX_VALUE ? Long.MAX_VALUE : v <= Long.MIN_VALUE ? Long.MIN_VALUE : (long) v;
        }
        return out;
    }

    /** The single value of a constant scalar (or one-element) input. */
    static double constantScalar(ValueMeta m, String what) {
        if (m.constant() == null || m.constant().size() != 1) {
            throw new IllegalArgumentException(what + " must be a constant scalar");
        }
        return m.constant().get(0);
    }

    static int[] constantInts(ValueMeta m, String what) {
        long[] v = constantLongs(m, what);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v[i]));
        }
        return out;
    }

    /** Refuses a window that ONNX does not allow: kernel, strides and dilations at least 1, pads at least 0. */
    static void checkWindow(int[] kernel, int[] strides, int[] dilations, int[] pads) {
        positive("kernel_shape", kernel);
        positive("strides", strides);
        positive("dilations", dilations);
        for (int v : pads) {
            if (v < 0) {
                throw new IllegalArgumentException("pads " + java.util.Arrays.toString(pads) + " has a negative value; "
                        + "ONNX pads are at least 0");
            }
        }
    }

    private static void positive(String name, int[] values) {
        for (int v : values) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " " + java.util.Arrays.toString(values)
                        + " has a value below 1");
            }
        }
    }

    /** The group attribute of a convolution: at least 1. */
    static int group(mpq.graph.Attributes a) {
        int g = a.getInt("group", 1);
        if (g < 1) {
            throw new IllegalArgumentException("group is " + g + ", expected at least 1");
        }
        return g;
    }

    /** n ones: the default strides and dilations of a window over n axes. */
    static int[] ones(int n) {
        int[] v = new int[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    static int[] normalizeAxes(int[] axes, int rank) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = Shapes.axis(axes[i], rank);
        }
        return out;
    }

    static void requireRank(ValueMeta m, int min, int max, String what) {
        if (m.rank() < min || m.rank() > max) {
            throw new IllegalArgumentException(what + " must have rank " + (min == max ? min : min + " to " + max)
                    + ", got shape " + Shapes.toString(m.shape()));
        }
    }
}

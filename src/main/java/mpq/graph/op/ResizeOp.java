package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Resize (opsets 10–18) and Upsample: nearest, linear and cubic interpolation, one axis at a time (the N-D
 * interpolations are products of 1-D ones), the last axis first. Each output coordinate x is mapped to the input
 * by the coordinate transformation mode (half_pixel, pytorch_half_pixel, align_corners, asymmetric,
 * tf_half_pixel_for_nn, tf_crop_and_resize with its roi); neighbours past the edge repeat the edge value, or with
 * exclude_outside get weight 0 (the rest renormalised); tf_crop_and_resize gives extrapolation_value outside the
 * input. Upsample and Resize-10 use the asymmetric mapping with nearest rounding down. Output sizes come from
 * {@code sizes}, else floor(input · scale); with sizes the scale in the mapping is output / input.
 */
final class ResizeOp implements Op {
    private enum Mode { NEAREST, LINEAR, CUBIC }

    private final Mode mode;
    private final String transform, nearestMode;
    private final double cubicA, extrapolation;
    private final boolean excludeOutside, legacy;
    private final float[] legacyScales;   // Upsample-7's scales attribute
    private int[] inShape, outShape;
    /** Per axis that changes: for each output index, the source indices and weights (taps each); -1: extrapolate. */
    private int[][] taps;
    private float[][] weights;
    private int tapCount;

    ResizeOp(Attributes a, int opset, boolean upsample) {
        legacy = upsample || opset < 11;
        String m = a.getString("mode", "nearest");
        mode = switch (m) {
            case "nearest" -> Mode.NEAREST;
            case "linear", "bilinear" -> Mode.LINEAR;
            case "cubic" -> Mode.CUBIC;
            default -> throw new IllegalArgumentException("unknown mode '" + m + "' (nearest, linear or cubic)");
        };
        transform = legacy ? "asymmetric" : a.getString("coordinate_transformation_mode", "half_pixel");
        nearestMode = legacy ? "floor" : a.getString("nearest_mode", "round_prefer_floor");
        cubicA = a.getFloat("cubic_coeff_a", -0.75f);
        excludeOutside = a.getInt("exclude_outside", 0) != 0;
        extrapolation = a.getFloat("extrapolation_value", 0f);
        legacyScales = a.getFloats("scales", null);
        if (a.getInt("antialias", 0) != 0) {
            throw new IllegalArgumentException("Resize with antialias is not supported");
        }
        if (a.has("axes")) {
            throw new IllegalArgumentException("Resize with the axes attribute is not supported");
        }
        tapCount = mode == Mode.NEAREST ? 1 : mode == Mode.LINEAR ? 2 : 4;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        inShape = x.shape();
        int rank = inShape.length;
        double[] scales = new double[rank];
        double[] roi = null;
        outShape = new int[rank];
        ValueMeta scalesIn = legacy ? Args.optional(in, 1) : Args.optional(in, 2);
        ValueMeta sizesIn = legacy ? null : Args.optional(in, 3);
        if (sizesIn != null && sizesIn.size() > 0) {
            int[] sizes = Args.constantInts(sizesIn, "Resize sizes");
            requireRank(sizes.length, rank, "sizes");
            for (int d = 0; d < rank; d++) {
                outShape[d] = sizes[d];
                scales[d] = (double) sizes[d] / inShape[d];
            }
        } else {
            float[] s = legacyScales;
            if (scalesIn != null && scalesIn.size() > 0) {
                if (!scalesIn.isConstant()) {
                    throw new IllegalArgumentException("Resize scales must be a constant known before running");
                }
                s = scalesIn.constant().to(mpq.tensor.DType.FLOAT).data();
            }
            if (s == null) {
                throw new IllegalArgumentException("Resize needs scales or sizes");
            }
            requireRank(s.length, rank, "scales");
            for (int d = 0; d < rank; d++) {
                scales[d] = s[d];
                outShape[d] = (int) Math.floor(inShape[d] * (double) s[d]);
            }
        }
        if (transform.equals("tf_crop_and_resize")) {
            ValueMeta r = Args.input(in, 1, "roi");
            if (!r.isConstant() || r.size() != 2 * rank) {
                throw new IllegalArgumentException("tf_crop_and_resize needs a constant roi of " + 2 * rank + " values");
            }
            roi = new double[2 * rank];
            for (int i = 0; i < roi.length; i++) {
                roi[i] = r.constant().getDouble(i);
            }
        }
        taps = new int[rank][];
        weights = new float[rank][];
        for (int d = 0; d < rank; d++) {
            if (outShape[d] != inShape[d] || roi != null || scales[d] != 1) {
                plan1d(d, scales[d], roi == null ? 0 : roi[d], roi == null ? 1 : roi[rank + d]);
            }
        }
        return List.of(ValueMeta.of(outShape, x.type()));
    }

    private static void requireRank(int given, int rank, String what) {
        if (given != rank) {
            throw new IllegalArgumentException("Resize " + what + " has " + given + " values for a rank-" + rank + " input");
        }
    }

    /** The source taps and weights of every output index along one axis. */
    private void plan1d(int d, double scale, double roiStart, double roiEnd) {
        int in = inShape[d], out = outShape[d];
        int[] t = new int[out * tapCount];
        float[] w = new float[out * tapCount];
        for (int o = 0; o < out; o++) {
            double x = sourceCoordinate(o, scale, in, out, roiStart, roiEnd);
            int base = o * tapCount;
            if (transform.equals("tf_crop_and_resize") && (x < 0 || x > in - 1)) {
                for (int k = 0; k < tapCount; k++) {
                    t[base + k] = -1;
                }
                continue;
            }
            if (mode == Mode.NEAREST) {
                t[base] = clamp(nearest(x), in);
                w[base] = 1;
                continue;
            }
            int f = (int) Math.floor(x);
            double r = x - f;
            double[] c = mode == Mode.LINEAR ? new double[] {1 - r, r} : cubic(r);
            int first = mode == Mode.LINEAR ? f : f - 1;
            double kept = 0;
            for (int k = 0; k < tapCount; k++) {
                int src = first + k;
                if (excludeOutside && (src < 0 || src >= in)) {
                    c[k] = 0;
                }
                kept += c[k];
            }
            for (int k = 0; k < tapCount; k++) {
                t[base + k] = clamp(first + k, in);
                w[base + k] = (float) (excludeOutside ? c[k] / kept : c[k]);
            }
        }
        taps[d] = t;
        weights[d] = w;
    }

    /** The input coordinate of output index o; the resized length in align_corners is input · scale, unrounded. */
    private double sourceCoordinate(int o, double scale, int in, int out, double roiStart, double roiEnd) {
        double resized = in * scale;
        return switch (transform) {
            case "half_pixel" -> (o + 0.5) / scale - 0.5;
            case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> out == 1 ? 0 : o * (in - 1.0) / (resized - 1.0);
            case "asymmetric" -> o / scale;
            case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
            case "tf_crop_and_resize" -> out > 1 ? roiStart * (in - 1) + o * (roiEnd - roiStart) * (in - 1) / (out - 1)
                    : 0.5 * (roiStart + roiEnd) * (in - 1);
            default -> throw new IllegalArgumentException("unknown coordinate_transformation_mode '" + transform + "'");
        };
    }

    private int nearest(double x) {
        double f = Math.floor(x);
        return switch (nearestMode) {
            case "round_prefer_floor" -> (int) (x - f == 0.5 ? f : Math.round(x));
            case "round_prefer_ceil" -> (int) (x - f == 0.5 ? f + 1 : Math.round(x));
            case "floor" -> (int) f;
            case "ceil" -> (int) Math.ceil(x);
            default -> throw new IllegalArgumentException("unknown nearest_mode '" + nearestMode + "'");
        };
    }

    /** Keys' cubic convolution weights of the taps at distances 1 + r, r, 1 − r, 2 − r. */
    private double[] cubic(double r) {
        double[] d = {1 + r, r, 1 - r, 2 - r};
        double[] c = new double[4];
        for (int k = 0; k < 4; k++) {
            double s = Math.abs(d[k]);
            c[k] = s <= 1 ? ((cubicA + 2) * s - (cubicA + 3)) * s * s + 1
                    : s < 2 ? ((cubicA * s - 5 * cubicA) * s + 8 * cubicA) * s - 4 * cubicA : 0;
        }
        return c;
    }

    private static int clamp(int i, int n) {
        return Math.max(0, Math.min(n - 1, i));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        int rank = inShape.length;
        float[] cur = in[0].to(mpq.tensor.DType.FLOAT).data();
        int[] shape = inShape.clone();
        for (int d = rank - 1; d >= 0; d--) {
            if (taps[d] == null) {
                continue;
            }
            int outer = Shapes.product(shape, 0, d), inner = Shapes.product(shape, d + 1, rank);
            int n = shape[d], m = outShape[d];
            float[] next = new float[outer * m * inner];
            int[] t = taps[d];
            float[] w = weights[d];
            for (int a = 0; a < outer; a++) {
                for (int o = 0; o < m; o++) {
                    int dst = (a * m + o) * inner, base = o * tapCount;
                    if (t[base] < 0) {
                        java.util.Arrays.fill(next, dst, dst + inner, (float) extrapolation);
                        continue;
                    }
                    for (int k = 0; k < tapCount; k++) {
                        float wk = w[base + k];
                        int src = (a * n + t[base + k]) * inner;
                        for (int i = 0; i < inner; i++) {
                            next[dst + i] += wk * cur[src + i];
                        }
                    }
                }
            }
            cur = next;
            shape[d] = m;
        }
        Tensor result = new Tensor(mpq.tensor.DType.FLOAT, outShape, cur);
        result.to(out[0].type()).copyInto(out[0]);
    }
}

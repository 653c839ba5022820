package mpq.graph.op;

import java.util.ArrayList;
import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.DType;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Normalisation by statistics of the input itself: x̂ = (x − mean) / √(var + ε) over a group of elements, then an
 * optional affine y = x̂·scale + bias.
 * <ul>
 * <li>LayerNormalization: groups are the trailing axes from {@code axis} (default −1); scale and bias have the
 * normalised block's shape; optional outputs Mean and InvStdDev (the statistics, with the normalised axes as 1).
 * <li>InstanceNormalization: groups are the spatial axes of each (image, channel); scale and bias per channel.
 * <li>MeanVarianceNormalization: groups over {@code axes} (default 0, 2, 3), no affine, y = (x − mean) / (σ + 1e-9).
 * </ul>
 * Statistics are taken in double. When the normalised axes are the trailing ones (always for the first two) each
 * group is one contiguous run; MeanVarianceNormalization over other axes maps every element to its group.
 */
final class NormalizeOp implements Op {
    enum Kind { LAYER, INSTANCE, MEAN_VARIANCE }

    private final Kind kind;
    private final Attributes attrs;
    private final int outputs;
    private final double epsilon;
    private int groups, len, channels;   // contiguous case: groups × len; INSTANCE: channels for the scale index
    private int[] groupOf;               // general case (MeanVarianceNormalization over leading axes): element → group

    NormalizeOp(Kind kind, Attributes a, int outputs) {
        this.kind = kind;
        this.attrs = a;
        this.outputs = outputs;
        this.epsilon = kind == Kind.MEAN_VARIANCE ? 0 : a.getFloat("epsilon", 1e-5f);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        int[] s = x.shape();
        int rank = s.length;
        boolean[] reduced = new boolean[rank];
        switch (kind) {
            case LAYER -> {
                int axis = Shapes.axis(attrs.getInt("axis", -1), rank);
                for (int d = axis; d < rank; d++) {
                    reduced[d] = true;
                }
            }
            case INSTANCE -> {
                Args.requireRank(x, 3, 8, "input");
                for (int d = 2; d < rank; d++) {
                    reduced[d] = true;
                }
                channels = s[1];
                Args.requirePerChannel(in, channels, "scale", "B");
            }
            case MEAN_VARIANCE -> {
                int[] axes = attrs.getInts("axes", new int[] {0, 2, 3});
                for (int a : axes) {
                    reduced[Shapes.axis(a, rank)] = true;
                }
            }
        }
        int firstReduced = rank;
        while (firstReduced > 0 && reduced[firstReduced - 1]) {
            firstReduced--;
        }
        boolean suffix = true;
        for (int d = 0; d < firstReduced; d++) {
            suffix &= !reduced[d];
        }
        groups = Shapes.product(s, 0, firstReduced);
        len = Shapes.product(s, firstReduced, rank);
        groupOf = suffix ? null : groupMap(s, reduced);
        if (kind == Kind.LAYER) {
            requireBlockSized(Args.input(in, 1, "Scale"), "Scale");
            if (Args.optional(in, 2) != null) {
                requireBlockSized(in.get(2), "B");
            }
        }
        List<ValueMeta> out = new ArrayList<>(List.of(ValueMeta.of(s, x.type())));
        int[] statShape = s.clone();
        for (int d = 0; d < rank; d++) {
            statShape[d] = reduced[d] ? 1 : s[d];
        }
        DType stash = attrs.getInt("stash_type", 1) == 11 ? DType.DOUBLE : DType.FLOAT;
        for (int i = 1; i < outputs; i++) {
            out.add(ValueMeta.of(statShape, stash));
        }
        return out;
    }

    private void requireBlockSized(ValueMeta m, String what) {
        if (m.size() != len && m.size() != 1) {
            throw new IllegalArgumentException(what + " has " + m.size() + " values, expected " + len
                    + " (the normalised axes' size) or 1");
        }
    }

    /** For every element (row-major), the index of its group among the kept axes. */
    private static int[] groupMap(int[] s, boolean[] reduced) {
        int size = Shapes.size(s);
        int[] map = new int[size];
        int[] idx = new int[s.length];
        for (int e = 0; e < size; e++) {
            int g = 0;
            for (int d = 0; d < s.length; d++) {
                if (!reduced[d]) {
                    g = g * s[d] + idx[d];
                }
            }
            map[e] = g;
            for (int d = s.length - 1; d >= 0 && ++idx[d] == s[d]; d--) {
                idx[d] = 0;
            }
        }
        return map;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        if (groupOf != null) {
            forwardMapped(x, y);
            return;
        }
        float[] scale = in.length > 1 && in[1] != null ? in[1].data() : null;
        float[] bias = in.length > 2 && in[2] != null ? in[2].data() : null;
        int scaleSize = scale == null ? 0 : in[1].size(), biasSize = bias == null ? 0 : in[2].size();
        double[] stat = new double[2];
        for (int g = 0; g < groups; g++) {
            int base = g * len;
            statistics(x, base, stat);
            double mean = stat[0], r = stat[1];
            for (int j = 0; j < len; j++) {
                float v = (float) ((x[base + j] - mean) * r);
                if (kind == Kind.INSTANCE) {
                    int c = g % channels;
                    v = v * scale[c] + bias[c];
                } else if (kind == Kind.LAYER) {
                    v *= scale[scaleSize == 1 ? 0 : j];
                    if (bias != null) {
                        v += bias[biasSize == 1 ? 0 : j];
                    }
                }
                y[base + j] = v;
            }
            if (out.length > 1 && out[1] != null) {
                setStat(out[1], g, mean);
            }
            if (out.length > 2 && out[2] != null) {
                setStat(out[2], g, r);
            }
        }
    }

    /** The mean of the group at base and the reciprocal of its standard deviation, into stat[0] and stat[1]. */
    private void statistics(float[] x, int base, double[] stat) {
        double sum = 0;
        for (int j = 0; j < len; j++) {
            sum += x[base + j];
        }
        double mean = sum / len, sq = 0;
        for (int j = 0; j < len; j++) {
            double d = x[base + j] - mean;
            sq += d * d;
        }
        double var = sq / len;
        stat[0] = mean;
        stat[1] = kind == Kind.MEAN_VARIANCE ? 1 / (Math.sqrt(var) + 1e-9) : 1 / Math.sqrt(var + epsilon);
    }

    private static void setStat(Tensor t, int i, double v) {
        t.data()[i] = (float) v;
    }

    private void forwardMapped(float[] x, float[] y) {
        int n = groupOf.length, groupCount = 0;
        for (int g : groupOf) {
            groupCount = Math.max(groupCount, g + 1);
        }
        double[] sum = new double[groupCount], sq = new double[groupCount];
        int[] count = new int[groupCount];
        for (int e = 0; e < n; e++) {
            sum[groupOf[e]] += x[e];
            count[groupOf[e]]++;
        }
        for (int e = 0; e < n; e++) {
            double d = x[e] - sum[groupOf[e]] / count[groupOf[e]];
            sq[groupOf[e]] += d * d;
        }
        for (int e = 0; e < n; e++) {
            int g = groupOf[e];
            y[e] = (float) ((x[e] - sum[g] / count[g]) / (Math.sqrt(sq[g] / count[g]) + 1e-9));
        }
    }

    /**
     * For the contiguous affine forms (LayerNormalization, InstanceNormalization), with g = dy·scale and x̂ the
     * normalised input: dx = r·(g − mean(g) − x̂·mean(g·x̂)), dscale = Σ dy·x̂, dbias = Σ dy.
     */
    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        if (kind == Kind.MEAN_VARIANCE) {
            throw new UnsupportedOperationException("no backward pass for MeanVarianceNormalization");
        }
        float[] x = in[0].data(), dy = gradOut[0].data(), scale = in[1].data();
        float[] dx = gradIn[0] == null ? null : gradIn[0].data();
        float[] dScale = gradIn.length > 1 && gradIn[1] != null ? gradIn[1].data() : null;
        float[] dBias = gradIn.length > 2 && gradIn[2] != null ? gradIn[2].data() : null;
        int scaleSize = in[1].size(), biasSize = in.length > 2 && in[2] != null ? in[2].size() : 0;
        double[] hat = new double[len];
        double[] stat = new double[2];
        for (int grp = 0; grp < groups; grp++) {
            int base = grp * len;
            statistics(x, base, stat);
            double mean = stat[0], r = stat[1];
            double gSum = 0, gHatSum = 0;
            for (int j = 0; j < len; j++) {
                hat[j] = (x[base + j] - mean) * r;
                int si = kind == Kind.INSTANCE ? grp % channels : scaleSize == 1 ? 0 : j;
                double g = dy[base + j] * (double) scale[si];
                gSum += g;
                gHatSum += g * hat[j];
                if (dScale != null) {
                    dScale[si] += (float) (dy[base + j] * hat[j]);
                }
                if (dBias != null) {
                    dBias[kind == Kind.INSTANCE ? grp % channels : biasSize == 1 ? 0 : j] += dy[base + j];
                }
            }
            if (dx != null) {
                double gMean = gSum / len, gHatMean = gHatSum / len;
                for (int j = 0; j < len; j++) {
                    int si = kind == Kind.INSTANCE ? grp % channels : scaleSize == 1 ? 0 : j;
                    double g = dy[base + j] * (double) scale[si];
                    dx[base + j] += (float) (r * (g - gMean - hat[j] * gHatMean));
                }
            }
        }
    }
}

package mpq.quant;

import mpq.graph.Node;
import mpq.tensor.Tensor;

/**
 * Mean and variance of the input each weight element of a layer multiplies, per output channel in the weight's
 * element order: for a convolution the statistics of the element's input channel (over examples and positions,
 * the kernel offset and padding ignored), for Gemm and MatMul those of its input feature.
 */
final class InputMoments {
    private final double[] mean, variance;   // per input channel or feature
    private final int perChannel, inPerGroup, outPerGroup, spatial;

    private InputMoments(double[] mean, double[] variance, int perChannel, int inPerGroup, int outPerGroup,
                         int spatial) {
        this.mean = mean;
        this.variance = variance;
        this.perChannel = perChannel;
        this.inPerGroup = inPerGroup;
        this.outPerGroup = outPerGroup;
        this.spatial = spatial;
    }

    /** The moments of x, the inputs of layer node n with weight w (output channels along axis). */
    static InputMoments of(Node n, Tensor w, Tensor x, int axis) {
        boolean conv = n.opType().equals("Conv");
        int features = conv ? x.dim(1) : x.dim(x.rank() - 1);
        int inner = 1;
        for (int d = conv ? 2 : x.rank(); d < x.rank(); d++) {
            inner *= x.dim(d);
        }
        double[] sum = new double[features], squares = new double[features];
        float[] v = x.data();
        long count = x.size() / features;
        for (int i = 0; i < x.size(); i++) {
            int f = conv ? (i / inner) % features : i % features;
            sum[f] += v[i];
            squares[f] += (double) v[i] * v[i];
        }
        double[] mean = new double[features], variance = new double[features];
        for (int f = 0; f < features; f++) {
            mean[f] = sum[f] / count;
            variance[f] = Math.max(0, squares[f] / count - mean[f] * mean[f]);
        }
        int channels = w.dim(axis), per = w.size() / channels;
        if (!conv) {
            return new InputMoments(mean, variance, per, features, channels, 1);
        }
        int inPerGroup = w.dim(1), group = features / inPerGroup;
        return new InputMoments(mean, variance, per, inPerGroup, channels / group, per / inPerGroup);
    }

    float[] mean(int channel) {
        return values(mean, channel);
    }

    float[] variance(int channel) {
        return values(variance, channel);
    }

    /** Per element of the channel (in the weight's order within it), its input's statistic. */
    private float[] values(double[] stat, int channel) {
        float[] out = new float[perChannel];
        int offset = (channel / outPerGroup) * inPerGroup;
        for (int k = 0; k < perChannel; k++) {
            out[k] = (float) stat[offset + k / spatial];
        }
        return out;
    }
}

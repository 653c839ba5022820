package mpq.quant;

import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/** Chooses a weight tensor's quantization: one range per output channel (or one for the tensor) by an estimator. */
public final class WeightQuantizer {
    private WeightQuantizer() {}

    /** Histogram resolution for one channel's weights: far finer than any grid mpq uses below 16 bits. */
    static final int BINS = 2048;

    /** Symmetric signed parameters for w, per slice along axis (axis −1: per tensor). */
    public static QuantParams params(Tensor w, int axis, int bits, RangeEstimator estimator) {
        IntGrid grid = new IntGrid(bits, true);
        if (axis < 0) {
            return QuantParams.of(grid, true, estimator.estimate(Histogram.of(w.data(), 0, w.size(), BINS), grid, true));
        }
        float[][] channels = channelValues(w, axis);
        Range[] ranges = new Range[channels.length];
        for (int c = 0; c < channels.length; c++) {
            ranges[c] = estimator.estimate(Histogram.of(channels[c], 0, channels[c].length, BINS), grid, true);
        }
        return QuantParams.of(grid, true, ranges, axis);
    }

    /** The values of each slice along axis, gathered into one array per channel. */
    static float[][] channelValues(Tensor w, int axis) {
        int[] s = w.shape();
        int channels = s[axis];
        int inner = Shapes.size(java.util.Arrays.copyOfRange(s, axis + 1, s.length));
        int outer = w.size() / (channels * inner);
        float[][] out = new float[channels][outer * inner];
        float[] d = w.data();
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(d, (o * channels + c) * inner, out[c], o * inner, inner);
            }
        }
        return out;
    }

    /** Signal-to-quantization-noise ratio of q against w in dB (infinite when they are equal). */
    public static double sqnrDb(Tensor w, Tensor q) {
        double signal = 0, noise = 0;
        float[] a = w.data(), b = q.data();
        for (int i = 0; i < w.size(); i++) {
            signal += (double) a[i] * a[i];
            double d = a[i] - b[i];
            noise += d * d;
        }
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }
}

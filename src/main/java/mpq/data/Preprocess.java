package mpq.data;

import java.util.Arrays;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/**
 * x = (raw / scale − mean[c]) / std[c] per channel c (axis 1). One mean/std value applies to every channel.
 * The identity by default.
 */
public record Preprocess(float scale, float[] mean, float[] std) {
    public static final Preprocess IDENTITY = new Preprocess(1f, new float[] {0f}, new float[] {1f});

    public Preprocess {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new BadInputException("--scale must be a positive number, got " + scale);
        }
        if (mean.length == 0 || std.length == 0) {
            throw new BadInputException("--mean and --std need at least one value");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new BadInputException("--std values must be positive, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Checks that mean and std fit a given channel count. */
    public void check(int channels, String dataName) {
        for (float[] v : new float[][] {mean, std}) {
            if (v.length != 1 && v.length != channels) {
                throw new BadInputException("--mean/--std have " + v.length + " values but " + dataName + " has "
                        + channels + " channel" + (channels == 1 ? "" : "s"));
            }
        }
    }

    /** Applies the transform in place to a batch [n, c, ...]. */
    public Tensor apply(Tensor batch) {
        if (this.equals(IDENTITY)) {
            return batch;
        }
        int n = batch.dim(0);
        int c = batch.rank() > 1 ? batch.dim(1) : 1;
        int inner = batch.size() / Math.max(1, n * c);
        float[] d = batch.data();
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                float m = mean[mean.length == 1 ? 0 : ch];
                float sd = std[std.length == 1 ? 0 : ch];
                int base = (i * c + ch) * inner;
                // Divisions, not reciprocal products: the same float32 rounding as the usual training pipelines.
                for (int k = 0; k < inner; k++) {
                    d[base + k] = (d[base + k] / scale - m) / sd;
                }
            }
        }
        return batch;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocess p && p.scale == scale && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return Float.hashCode(scale) * 31 + Arrays.hashCode(mean) * 7 + Arrays.hashCode(std);
    }
}

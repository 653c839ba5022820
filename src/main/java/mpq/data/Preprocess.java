package mpq.data;

import java.util.Arrays;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/**
 * x = (raw / scale − mean[c]) / std[c] per channel c (axis 1, or the last axis for [N, H, W, C] examples). One
 * mean/std value applies to every channel.
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

    /**
     * Checks that mean and std fit an example of this shape: one value, or one per channel along the first axis
     * ([C, H, W]) or else the last ([H, W, C]).
     */
    public void check(int[] itemShape, String dataName) {
        int count = perChannel();
        if (count > 1 && channelAxis(itemShape, count) < 0) {
            int channels = itemShape.length == 0 ? 1 : itemShape[0] <= 4 ? itemShape[0] : itemShape[itemShape.length - 1];
            throw new BadInputException("--mean/--std have " + count + " values but the examples of " + dataName
                    + " have " + channels + " channel" + (channels == 1 ? "" : "s") + " (shape "
                    + Arrays.toString(itemShape) + "; one value per channel of the first axis, or else of the last)");
        }
    }

    /** How many per-channel values (1: one for all). */
    private int perChannel() {
        return Math.max(mean.length, std.length);
    }

    /** The channel axis of an example: 0 when it has count entries, else the last when that has; −1 if neither. */
    private static int channelAxis(int[] itemShape, int count) {
        if (itemShape.length > 0 && itemShape[0] == count) {
            return 0;
        }
        return itemShape.length > 0 && itemShape[itemShape.length - 1] == count ? itemShape.length - 1 : -1;
    }

    /** Applies the transform in place to a batch [n, ...] (channels along axis 1, or the last axis; see check). */
    public Tensor apply(Tensor batch) {
        if (this.equals(IDENTITY)) {
            return batch;
        }
        int n = batch.dim(0);
        int[] item = Arrays.copyOfRange(batch.shape(), 1, batch.rank());
        int count = perChannel();
        int axis = count == 1 ? 0 : channelAxis(item, count);
        if (axis < 0) {
            check(item, "the batch");
        }
        int c = count == 1 ? 1 : item[axis];
        int before = Math.max(1, mpq.tensor.Shapes.product(item, 0, axis)), after = mpq.tensor.Shapes.product(item, axis + 1, item.length);
        if (count == 1) {
            before = 1;
            after = batch.size() / Math.max(1, n);
        }
        float[] d = batch.data();
        for (int i = 0, base = 0; i < n * before; i++) {
            for (int ch = 0; ch < c; ch++, base += after) {
                float m = mean[mean.length == 1 ? 0 : ch];
                float sd = std[std.length == 1 ? 0 : ch];
                // Divisions, not reciprocal products: the same float32 rounding as the usual training pipelines.
                for (int k = 0; k < after; k++) {
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

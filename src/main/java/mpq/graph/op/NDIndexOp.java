package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * GatherND (slices of data addressed by the last axis of indices, after batch_dims leading axes shared by both)
 * and ScatterND (a copy of data with update slices written at those addresses; reduction none, add, mul, max, min).
 */
final class NDIndexOp implements Op {
    private final boolean scatter;
    private final int batchDims;
    private final String reduction;
    private int[] dataShape, indexShape;
    private int depth, slice, batches, perBatch;

    NDIndexOp(boolean scatter, Attributes a) {
        this.scatter = scatter;
        this.batchDims = a.getInt("batch_dims", 0);
        this.reduction = a.getString("reduction", "none");
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta data = Args.input(in, 0, "data"), idx = Args.input(in, 1, "indices");
        dataShape = data.shape();
        indexShape = idx.shape();
        int q = indexShape.length;
        if (q < 1 || batchDims < 0 || batchDims >= q || batchDims > dataShape.length) {
            throw new IllegalArgumentException("indices of shape " + Shapes.toString(indexShape) + " with batch_dims "
                    + batchDims + " for data of shape " + Shapes.toString(dataShape));
        }
        depth = indexShape[q - 1];
        if (depth < 1 || depth > dataShape.length - batchDims) {
            throw new IllegalArgumentException("indices address " + depth + " axes of a rank-" + dataShape.length
                    + " tensor");
        }
        for (int d = 0; d < batchDims; d++) {
            if (indexShape[d] != dataShape[d]) {
                throw new IllegalArgumentException("batch axis " + d + " of indices " + Shapes.toString(indexShape)
                        + " and data " + Shapes.toString(dataShape) + " differ");
            }
        }
        slice = Shapes.product(dataShape, batchDims + depth, dataShape.length);
        batches = Shapes.product(dataShape, 0, batchDims);
        perBatch = Shapes.product(indexShape, batchDims, q - 1);
        if (scatter) {
            // updates: indices.shape[:-1] + data.shape[depth:]
            int[] want = new int[q - 1 + dataShape.length - depth];
            System.arraycopy(indexShape, 0, want, 0, q - 1);
            System.arraycopy(dataShape, depth, want, q - 1, dataShape.length - depth);
            int[] got = Args.input(in, 2, "updates").shape();
            if (!java.util.Arrays.equals(want, got)) {
                throw new IllegalArgumentException("updates have shape " + Shapes.toString(got) + ", expected "
                        + Shapes.toString(want));
            }
            return List.of(ValueMeta.of(dataShape, data.type()));
        }
        int[] out = new int[q - 1 + dataShape.length - batchDims - depth];
        int j = 0;
        for (int d = 0; d < q - 1; d++) {
            out[j++] = indexShape[d];
        }
        for (int d = batchDims + depth; d < dataShape.length; d++) {
            out[j++] = dataShape[d];
        }
        return List.of(ValueMeta.of(out, data.type()));
    }

    /** The data offset of each addressed slice, in order. */
    private int[] offsets(Tensor indices) {
        int[] ds = Shapes.strides(dataShape);
        int batchStride = Shapes.product(dataShape, batchDims, dataShape.length);
        int[] t = new int[batches * perBatch];
        for (int b = 0; b < batches; b++) {
            for (int p = 0; p < perBatch; p++) {
                int row = (b * perBatch + p) * depth, off = b * batchStride;
                for (int k = 0; k < depth; k++) {
                    long v = indices.getLong(row + k);
                    int dim = dataShape[batchDims + k];
                    v = v < 0 ? v + dim : v;
                    if (v < 0 || v >= dim) {
                        throw new IllegalArgumentException("index " + indices.getLong(row + k) + " out of range for size "
                                + dim);
                    }
                    off += (int) v * ds[batchDims + k];
                }
                t[b * perBatch + p] = off;
            }
        }
        return t;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        int[] t = offsets(in[1]);
        if (!scatter) {
            for (int i = 0; i < t.length; i++) {
                in[0].copyRange(t[i], out[0], i * slice, slice);
            }
            return;
        }
        in[0].copyInto(out[0]);
        for (int i = 0; i < t.length; i++) {
            for (int e = 0; e < slice; e++) {
                Reductions.combine(reduction, in[2], i * slice + e, out[0], t[i] + e);
            }
        }
    }
}

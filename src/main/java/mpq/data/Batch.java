package mpq.data;

import mpq.tensor.Tensor;

/** A batch of inputs [n, ...] with their labels (null for unlabelled data). */
public record Batch(Tensor inputs, int[] labels) {
    public int size() {
        return inputs.dim(0);
    }
}

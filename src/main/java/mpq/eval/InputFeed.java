package mpq.eval;

import java.util.function.UnaryOperator;
import mpq.graph.ValueInfo;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * How a batch of preprocessed examples (float values) is handed to a model as it declares its input: in the
 * declared element type (raw pixels to uint8, say), and example by example for a model whose batch axis is fixed
 * at 1.
 */
final class InputFeed {
    private final DType type;
    private final boolean batchOfOne;

    InputFeed(ValueInfo input) {
        this.type = input.type();
        this.batchOfOne = input.dims().length > 0 && input.dims()[0] == 1;
    }

    /** Runs the batch through run, converted, and whole or one example at a time; the outputs joined along axis 0. */
    Tensor run(Tensor batch, UnaryOperator<Tensor> run) {
        Tensor x = type != null && type != batch.type() ? batch.to(type) : batch;
        int n = x.dim(0);
        if (!batchOfOne || n == 1) {
            return run.apply(x);
        }
        Tensor joined = null;
        int per = 0;
        for (int i = 0; i < n; i++) {
            Tensor y = run.apply(x.slice0(i, i + 1));
            if (joined == null) {
                int[] shape = y.shape().clone();
                shape[0] = n;
                joined = Tensor.zeros(y.type(), shape, 0);
                per = y.size();
            }
            y.copyRange(0, joined, i * per, per);
        }
        return joined;
    }
}

package mpq.eval;

import mpq.tensor.Tensor;

/** Something that maps a batch of model inputs to the model's first output: mpq's executor or ONNX Runtime. */
public interface InferenceEngine extends AutoCloseable {
    /** "mpq" or "ort". */
    String name();

    /** A single-input model on a batch (converted to the input's type). */
    Tensor run(Tensor batch);

    /** Any model on its inputs by name (token ids and attention masks, say), in their own types. */
    Tensor run(java.util.Map<String, Tensor> inputs);

    @Override
    void close();
}

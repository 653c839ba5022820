package mpq.eval;

import mpq.tensor.Tensor;

/** Something that maps a batch of model inputs to the model's first output: mpq's executor or ONNX Runtime. */
public interface InferenceEngine extends AutoCloseable {
    /** "mpq" or "ort". */
    String name();

    Tensor run(Tensor batch);

    @Override
    void close();
}

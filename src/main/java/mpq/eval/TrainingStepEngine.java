package mpq.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.exec.Backprop;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/** One training step's worth of compute, as an engine: forward, cross-entropy, backward to every parameter. */
public final class TrainingStepEngine implements InferenceEngine {
    private final Backprop backprop;
    private final String output;

    public TrainingStepEngine(Graph g, int threads) {
        List<String> params = new ArrayList<>();
        g.initializers().forEach((name, c) -> {
            if (c.type() == DType.FLOAT && c.tensor().rank() >= 1) {
                params.add(name);
            }
        });
        backprop = new Backprop(g, params, false, threads);
        output = g.outputs().getFirst().name();
    }

    @Override
    public String name() {
        return "mpq forward+backward";
    }

    @Override
    public Tensor run(Tensor batch) {
        Tensor logits = backprop.forward(batch);
        Tensor grad = Tensor.zeros(logits.shape());
        int[] labels = new int[logits.dim(0)];   // class 0 throughout: the cost does not depend on the labels
        Losses.crossEntropy(logits, labels, grad);
        backprop.backward(Map.of(output, grad));
        return logits;
    }

    @Override
    public Tensor run(Map<String, Tensor> inputs) {
        throw new mpq.base.BadInputException("the forward+backward benchmark takes single-input models");
    }

    @Override
    public void close() {
        backprop.close();
    }
}

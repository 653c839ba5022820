package mpq.eval;

import mpq.graph.Graph;
import mpq.graph.exec.Executor;
import mpq.tensor.Tensor;

/** mpq's own pure-Java executor. */
public final class MpqEngine implements InferenceEngine {
    private final Executor executor;
    private final InputFeed feed;

    private final Graph graph;

    public MpqEngine(Graph graph, int threads) {
        if (graph.inputs().isEmpty()) {
            throw new mpq.base.BadInputException("the model has no inputs to feed");
        }
        this.graph = graph;
        this.executor = new Executor(graph, threads);
        this.feed = new InputFeed(graph.inputs().getFirst());
    }

    @Override
    public String name() {
        return "mpq";
    }

    @Override
    public Tensor run(Tensor batch) {
        return feed.run(batch, executor::run);
    }

    @Override
    public Tensor run(java.util.Map<String, Tensor> inputs) {
        return executor.run(inputs).get(graph.outputs().getFirst().name());
    }

    @Override
    public void close() {
        executor.close();
    }
}

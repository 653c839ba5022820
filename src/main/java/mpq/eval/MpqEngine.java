package mpq.eval;

import mpq.graph.Graph;
import mpq.graph.exec.Executor;
import mpq.tensor.Tensor;

/** mpq's own pure-Java executor. */
public final class MpqEngine implements InferenceEngine {
    private final Executor executor;
    private final InputFeed feed;

    public MpqEngine(Graph graph, int threads) {
        if (graph.inputs().size() != 1) {
            throw new mpq.base.BadInputException("the model takes " + graph.inputs().size() + " inputs; this engine "
                    + "feeds one (a model with several inputs runs with mpq run --input NAME=FILE …)");
        }
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
    public void close() {
        executor.close();
    }
}

package mpq.eval;

import mpq.graph.Graph;
import mpq.graph.exec.Executor;
import mpq.tensor.Tensor;

/** mpq's own pure-Java executor. */
public final class MpqEngine implements InferenceEngine {
    private final Executor executor;

    public MpqEngine(Graph graph, int threads) {
        this.executor = new Executor(graph, threads);
    }

    @Override
    public String name() {
        return "mpq";
    }

    @Override
    public Tensor run(Tensor batch) {
        return executor.run(batch);
    }

    @Override
    public void close() {
        executor.close();
    }
}

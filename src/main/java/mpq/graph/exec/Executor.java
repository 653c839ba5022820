package mpq.graph.exec;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.graph.op.Ops;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/** Runs a graph on batches, planning it once per distinct input shape. Owns its thread pool. */
public final class Executor implements AutoCloseable {
    private final Graph graph;
    private final Parallel par;
    private final Map<String, Plan> plans = new HashMap<>();

    public Executor(Graph graph, int threads) {
        Ops.requireSupported(graph);
        this.graph = graph;
        this.par = new Parallel(threads);
    }

    public Graph graph() {
        return graph;
    }

    public int threads() {
        return par.threads();
    }

    /** Runs a single-input graph and returns its first output. */
    public Tensor run(Tensor input) {
        if (graph.inputs().size() != 1) {
            throw new IllegalArgumentException("the model has " + graph.inputs().size() + " inputs; pass them by name");
        }
        Map<String, Tensor> out = run(Map.of(graph.inputs().getFirst().name(), input));
        return out.values().iterator().next();
    }

    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo in : graph.inputs()) {
            Tensor t = inputs.get(in.name());
            if (t != null) {
                shapes.put(in.name(), t.shape());
            }
        }
        return plan(shapes).run(inputs, par);
    }

    /** The plan for these input shapes (built on first use). */
    public Plan plan(Map<String, int[]> shapes) {
        String key = shapes.entrySet().stream().map(e -> e.getKey() + Arrays.toString(e.getValue()))
                .collect(Collectors.joining(";"));
        return plans.computeIfAbsent(key, k -> new Plan(graph, shapes, Set.of()));
    }

    @Override
    public void close() {
        par.close();
    }
}

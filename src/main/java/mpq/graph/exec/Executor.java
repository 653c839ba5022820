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
    private final Set<String> keep;
    private final Map<String, Plan> plans = new HashMap<>();
    private Plan last;

    public Executor(Graph graph, int threads) {
        this(graph, threads, Set.of());
    }

    /** An executor that keeps the named values readable through {@link #value} after each run. */
    public Executor(Graph graph, int threads, Set<String> keep) {
        Ops.requireSupported(graph);
        this.graph = graph;
        this.par = new Parallel(threads);
        this.keep = Set.copyOf(keep);
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
        last = plan(shapes);
        return last.run(inputs, par);
    }

    /**
     * A value of the last run: a graph output or a value named in keep. The tensor is the plan's buffer, valid
     * until the next run; copy it to hold on to it.
     */
    public Tensor value(String name) {
        if (last == null || !(keep.contains(name) || graph.outputs().stream().anyMatch(v -> v.name().equals(name)))) {
            throw new IllegalArgumentException("value '" + name + "' is not kept by this executor");
        }
        return last.value(name);
    }

    /** The thread pool, for work that goes with the runs (observers, statistics). */
    public Parallel parallel() {
        return par;
    }

    /** The plan for these input shapes (built on first use). */
    public Plan plan(Map<String, int[]> shapes) {
        String key = shapes.entrySet().stream().map(e -> e.getKey() + Arrays.toString(e.getValue()))
                .collect(Collectors.joining(";"));
        return plans.computeIfAbsent(key, k -> new Plan(graph, shapes, keep));
    }

    @Override
    public void close() {
        par.close();
    }
}

package mpq.graph.exec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
    private final Set<String> readByValue = new java.util.HashSet<>();   // inputs nodes need at plan time
    private final Set<String> varying;   // inputs never planned by value: they change from run to run
    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private Plan last;

    public Executor(Graph graph, int threads) {
        this(graph, threads, Set.of());
    }

    /** An executor that keeps the named values readable through {@link #value} after each run. */
    public Executor(Graph graph, int threads, Set<String> keep) {
        this(graph, threads, keep, Set.of());
    }

    /**
     * The same, with inputs whose values change from run to run (a quantizer's scale being optimised): small as they
     * may be, they are read at run time instead of being folded into the plan, so one plan serves every value.
     */
    public Executor(Graph graph, int threads, Set<String> keep, Set<String> varying) {
        Ops.requireSupported(graph);
        this.graph = graph;
        this.par = new Parallel(threads);
        this.keep = Set.copyOf(keep);
        this.varying = Set.copyOf(varying);
        for (ValueInfo in : graph.inputs()) {
            if (Ops.readsValue(graph, in.name())) {
                readByValue.add(in.name());
            }
        }
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
            throw new mpq.base.BadInputException("the model has " + graph.inputs().size() + " inputs; pass them by name");
        }
        Map<String, Tensor> out = run(Map.of(graph.inputs().getFirst().name(), input));
        return out.values().iterator().next();
    }

    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, Tensor> byValue = new LinkedHashMap<>();
        for (ValueInfo in : graph.inputs()) {
            Tensor t = inputs.get(in.name());
            if (t != null) {
                shapes.put(in.name(), t.shape());
                if ((plannedByValue(t) && !varying.contains(in.name())) || readByValue.contains(in.name())) {
                    byValue.put(in.name(), t);
                }
            }
        }
        last = plan(shapes, byValue);
        return last.run(inputs, par);
    }

    /**
     * Inputs that some node needs by value at plan time ({@link Ops#readsValue}: a Resize's scales), and inputs
     * small enough to be shape-like — integer tensors of at most {@value #BY_VALUE_MAX} elements and scalars —
     * are planned by their values, as constants: a Reshape's shape, a Slice's bounds or a Range's limits given as
     * inputs then fold like initializers. A plan serves one set of such values.
     */
    static final int BY_VALUE_MAX = 64;

    private static boolean plannedByValue(Tensor t) {
        return t.size() <= 1 || (!t.isFloat() && t.size() <= BY_VALUE_MAX);
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

    /**
     * How many examples one run of a single-input graph may take so that its buffers — with every kept value held
     * apart — stay within maxBytes: measured on the plans for 1 and 2 examples (buffers grow linearly with the
     * batch). At least 1, and 1 for a model whose batch axis is fixed at 1. Large models whose kept activations would not fit run their batches in such chunks.
     */
    public int examplesWithin(int[] batchShape, long maxBytes) {
        ValueInfo in = graph.inputs().getFirst();
        if (in.dims().length > 0 && in.dims()[0] == 1) {
            return 1;   // a model whose batch is fixed at 1 takes one example per run
        }
        String name = in.name();
        int[] one = batchShape.clone(), two = batchShape.clone();
        one[0] = 1;
        two[0] = 2;
        long b1 = plan(Map.of(name, one)).bufferBytes(), per = Math.max(1, plan(Map.of(name, two)).bufferBytes() - b1);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (maxBytes - b1) / per + 1));
    }

    /** The thread pool, for work that goes with the runs (observers, statistics). */
    public Parallel parallel() {
        return par;
    }

    /** The plan for these input shapes (built on first use). */
    public Plan plan(Map<String, int[]> shapes) {
        return plan(shapes, Map.of());
    }

    /** The most plans kept: each distinct set of input shapes and by-value inputs has one. */
    private static final int MAX_PLANS = 32;

    private Plan plan(Map<String, int[]> shapes, Map<String, Tensor> byValue) {
        StringBuilder key = new StringBuilder();
        shapes.forEach((k, v) -> key.append(k).append(Arrays.toString(v)).append(';'));
        byValue.forEach((k, v) -> key.append(k).append('=').append(valueKey(v)).append(';'));
        Plan p = plans.get(key.toString());
        if (p == null) {
            if (plans.size() >= MAX_PLANS) {
                plans.remove(plans.keySet().iterator().next());
            }
            // Large models' plans hold gigabytes: before another is made, the ones kept must leave room for it.
            long held = plans.values().stream().mapToLong(Plan::bufferBytes).sum();
            if (held > Runtime.getRuntime().maxMemory() / 8) {
                plans.clear();
                last = null;
            }
            p = new Plan(graph, shapes, keep, byValue);
            plans.put(key.toString(), p);
        }
        return p;
    }

    private static String valueKey(Tensor t) {
        StringBuilder sb = new StringBuilder(t.type().name());
        for (int i = 0; i < t.size(); i++) {
            sb.append(',').append(t.isFloat() ? Float.toString(t.data()[i]) : Long.toString(t.ints()[i]));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        par.close();
    }
}

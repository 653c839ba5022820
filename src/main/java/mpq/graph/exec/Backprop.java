package mpq.graph.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.op.Ops;
import mpq.tensor.Conv2d;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Reverse-mode differentiation of a graph.
 *
 * <p>The chosen initializers become run-time inputs, so they are not folded into constants and their values can be
 * changed between runs through {@link #parameter}. {@link #forward} runs the graph keeping every value (no fused
 * ReLUs, no shared buffers); {@link #backward} takes gradients seeded at any values — the loss gradient at the
 * output, or a statistics loss at an inner value — and applies each step's chain rule in reverse order, accumulating
 * where a value has several readers. Afterwards {@link #gradient} gives the gradient of every parameter, of the
 * model input and of the inner values named in {@link #retainGradients}.
 *
 * <p>Memory: the forward values all stay (the backward pass reads most of them); an inner value's gradient lives
 * only from the first step that adds to it until the step that produced the value has used it.
 */
public final class Backprop implements AutoCloseable {
    private final Graph graph;
    private final List<String> params;
    private final Map<String, Tensor> paramValues = new LinkedHashMap<>();
    private final boolean inputGradient;
    private final Parallel par;
    private final Set<String> keep;
    private final Map<String, Plan> plans = new HashMap<>();
    private Plan plan;
    private boolean[] needsGrad;
    private Tensor[] grads;
    private Plan referencePlan;
    private Tensor[] reference;   // by step: a copy of the data input of each piecewise-linear step
    private boolean onPieces;     // the last forward ran on the recorded pieces
    private Set<String> retained = Set.of();

    /**
     * @param params        initializers to differentiate with respect to (and to allow changing)
     * @param inputGradient also compute the gradient with respect to the model input(s)
     */
    public Backprop(Graph g, List<String> params, boolean inputGradient, int threads) {
        Ops.requireSupported(g);
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(g.initializers());
        List<ValueInfo> inputs = new ArrayList<>(g.inputs());
        for (String p : params) {
            Attributes.Constant c = init.remove(p);
            if (c == null) {
                throw new IllegalArgumentException("'" + p + "' is not an initializer of the graph");
            }
            inputs.add(new ValueInfo(p, c.type(), c.tensor().shape()));
            paramValues.put(p, withSlack(c.tensor()));
        }
        this.graph = new Graph(g.name(), g.nodes(), inputs, g.outputs(), init, g.opset());
        this.params = List.copyOf(params);
        this.inputGradient = inputGradient;
        this.par = new Parallel(threads);
        Set<String> all = new LinkedHashSet<>();
        for (ValueInfo v : inputs) {
            all.add(v.name());
        }
        for (Node n : g.nodes()) {
            all.addAll(n.outputs());
        }
        this.keep = all;
    }

    public Graph graph() {
        return graph;
    }

    public List<String> parameters() {
        return params;
    }

    /**
     * Keeps the gradients of these intermediate values readable after {@link #backward}; others are dropped as soon
     * as the step that produced the value has used them (parameters' and inputs' gradients are always kept).
     */
    public void retainGradients(Set<String> values) {
        retained = Set.copyOf(values);
    }

    /** The live value of a parameter: writes to it change the next forward run. */
    public Tensor parameter(String name) {
        Tensor t = paramValues.get(name);
        if (t == null) {
            throw new IllegalArgumentException("'" + name + "' is not a parameter of this Backprop");
        }
        return t;
    }

    /** Runs the model on one batch (single-input graphs), keeping every value; returns the first output (a copy). */
    public Tensor forward(Tensor input) {
        return run(input, null, false);
    }

    /**
     * Like {@link #forward}, and remembers the piece every piecewise-linear op (ReLU, Clip, MaxPool, …) chose, for
     * {@link #forwardOnPieces}.
     */
    public Tensor forwardRecordingPieces(Tensor input) {
        Tensor y = run(input, null, false);
        List<Plan.Step> steps = plan.steps();
        reference = new Tensor[steps.size()];
        for (int s = 0; s < steps.size(); s++) {
            if (steps.get(s).op().piecewiseLinear()) {
                reference[s] = plan.view(steps.get(s).inputs()[0]).copy();
            }
        }
        referencePlan = plan;
        return y;
    }

    /**
     * Runs forward with every piecewise-linear op on the piece recorded by the last {@link #forwardRecordingPieces}
     * (same input shape): near the recorded point the loss is then smooth in the parameters, and {@link #backward}
     * differentiates that smooth function, as automatic differentiation does at the recorded point.
     */
    public Tensor forwardOnPieces(Tensor input) {
        if (reference == null) {
            throw new IllegalStateException("record pieces first");
        }
        return run(input, (s, step, in, out, p) -> {
            if (reference[s] == null) {
                return false;
            }
            Tensor[] ref = in.clone();
            ref[0] = reference[s];
            step.op().forwardOnPieces(ref, in, out, p);
            return true;
        }, true);
    }

    private Tensor run(Tensor input, Plan.StepRunner runner, boolean pieces) {
        Map<String, Tensor> in = new HashMap<>(paramValues);
        in.put(graph.inputs().getFirst().name(), input);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo v : graph.inputs()) {
            shapes.put(v.name(), in.get(v.name()).shape());
        }
        String key = Arrays.toString(input.shape());
        plan = plans.computeIfAbsent(key, k -> new Plan(graph, shapes, keep));
        if (pieces && plan != referencePlan) {
            throw new IllegalArgumentException("the input shape differs from the one the pieces were recorded with");
        }
        needsGrad = null;
        grads = null;
        onPieces = pieces;
        return plan.run(in, par, runner).values().iterator().next();
    }

    /** A value of the last forward run (a view on the plan's buffer). */
    public Tensor value(String name) {
        int id = requirePlan().id(name);
        if (id < 0) {
            throw new IllegalArgumentException("no value '" + name + "'");
        }
        return plan.view(id);
    }

    /**
     * Back-propagates from gradients seeded at the named values (each the shape of its value) through the last
     * forward run. Replaces the gradients of any earlier call.
     */
    public void backward(Map<String, Tensor> seeds) {
        Plan p = requirePlan();
        boolean[] needs = needsGradient(p);
        grads = new Tensor[p.valueCount()];
        for (Map.Entry<String, Tensor> e : seeds.entrySet()) {
            int id = p.id(e.getKey());
            if (id < 0) {
                throw new IllegalArgumentException("no value '" + e.getKey() + "' to seed a gradient at");
            }
            if (!Arrays.equals(e.getValue().shape(), p.meta(id).shape())) {
                throw new IllegalArgumentException("gradient for '" + e.getKey() + "' has shape "
                        + Shapes.toString(e.getValue().shape()) + ", the value has " + Shapes.toString(p.meta(id).shape()));
            }
            if (needs[id]) {
                float[] g = gradientOf(id).data();
                float[] s = e.getValue().data();
                for (int i = 0; i < e.getValue().size(); i++) {
                    g[i] += s[i];
                }
            }
        }
        List<Plan.Step> steps = p.steps();
        for (int s = steps.size() - 1; s >= 0; s--) {
            Plan.Step step = steps.get(s);
            boolean any = false;
            for (int o : step.outputs()) {
                any |= grads[o] != null;
            }
            if (!any) {
                continue;
            }
            Tensor[] gradIn = new Tensor[step.inputs().length];
            boolean wanted = false;
            for (int i = 0; i < gradIn.length; i++) {
                int id = step.inputs()[i];
                if (id >= 0 && needs[id]) {
                    gradIn[i] = gradientOf(id);
                    wanted = true;
                }
            }
            if (!wanted) {
                continue;
            }
            Tensor[] in = new Tensor[step.inputs().length];
            for (int i = 0; i < in.length; i++) {
                in[i] = step.inputs()[i] < 0 ? null : p.view(step.inputs()[i]);
            }
            if (onPieces && reference[s] != null) {
                in[0] = reference[s];   // the backward pass on frozen pieces reads the pieces from the reference
            }
            Tensor[] out = new Tensor[step.outputs().length];
            Tensor[] gradOut = new Tensor[out.length];
            for (int o = 0; o < out.length; o++) {
                out[o] = p.view(step.outputs()[o]);
                gradOut[o] = gradientOf(step.outputs()[o]);
            }
            try {
                step.op().backward(in, out, gradOut, gradIn, par);
            } catch (UnsupportedOperationException e) {
                throw new IllegalArgumentException("node " + step.node().describe() + ": " + e.getMessage(), e);
            }
            for (int o = 0; o < out.length; o++) {   // nothing upstream reads these again
                if (!retained.contains(step.node().output(o))) {
                    grads[step.outputs()[o]] = null;
                }
            }
        }
    }

    /**
     * The gradient of the last backward pass at a parameter, an input, or a value named in {@link #retainGradients};
     * null when nothing reached it.
     */
    public Tensor gradient(String name) {
        int id = requirePlan().id(name);
        if (id < 0 || grads == null || grads[id] == null) {
            return null;
        }
        return grads[id];
    }

    private Tensor gradientOf(int id) {
        if (grads[id] == null) {
            int[] shape = plan.meta(id).shape();
            grads[id] = new Tensor(shape, new float[Shapes.size(shape) + Conv2d.slack()]);
        }
        return grads[id];
    }

    /** Values that depend on a parameter (or on the input, when its gradient is wanted). */
    private boolean[] needsGradient(Plan p) {
        if (needsGrad != null) {
            return needsGrad;
        }
        boolean[] needs = new boolean[p.valueCount()];
        for (String name : params) {
            needs[p.id(name)] = true;
        }
        if (inputGradient) {
            for (ValueInfo v : graph.inputs()) {
                if (!paramValues.containsKey(v.name())) {
                    needs[p.id(v.name())] = true;
                }
            }
        }
        for (Plan.Step step : p.steps()) {
            boolean any = false;
            for (int i : step.inputs()) {
                any |= i >= 0 && needs[i];
            }
            for (int o : step.outputs()) {
                needs[o] |= any;
            }
        }
        return needsGrad = needs;
    }

    private Plan requirePlan() {
        if (plan == null) {
            throw new IllegalStateException("run forward first");
        }
        return plan;
    }

    private static Tensor withSlack(Tensor t) {
        return new Tensor(t.shape(), Arrays.copyOf(t.data(), t.size() + Conv2d.slack()));
    }

    @Override
    public void close() {
        par.close();
    }
}

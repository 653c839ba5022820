package mpq.graph.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.Op;
import mpq.graph.ValueInfo;
import mpq.graph.ValueMeta;
import mpq.graph.op.Ops;
import mpq.tensor.Conv2d;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * A graph compiled for concrete input shapes: constant sub-graphs (weights, Shape/Gather/Cast chains) folded,
 * shapes inferred, ReLUs fused into their producers, and every run-time value given a slot in a pool of buffers
 * that are reused once a value is dead. Running a plan allocates nothing but its outputs.
 *
 * <p>Not thread-safe: one batch at a time per plan.
 */
public final class Plan {
    /** One op to run: its node, its op instance, and the value ids it reads and writes (−1: omitted input). */
    record Step(Node node, Op op, int[] inputs, int[] outputs) {}

    private final Graph graph;
    private final List<Step> steps = new ArrayList<>();
    private final List<NodeInfo> infos = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();   // value name -> value id
    private final List<ValueMeta> metas = new ArrayList<>();       // by value id
    private Tensor[] views;                                         // by value id: constant, or a view on a slot
    private final List<Integer> inputIds = new ArrayList<>();
    private final List<Integer> outputIds = new ArrayList<>();

    /**
     * Plans the graph for the given input shapes. Values named in keep stay readable after a run via
     * {@link #value} and are not fused away.
     */
    public Plan(Graph graph, Map<String, int[]> inputShapes, Set<String> keep) {
        this.graph = graph;
        for (Map.Entry<String, Attributes.Constant> e : graph.initializers().entrySet()) {
            define(e.getKey(), ValueMeta.constant(e.getValue().tensor(), e.getValue().type()));
        }
        for (ValueInfo in : graph.inputs()) {
            int[] shape = inputShapes.get(in.name());
            if (shape == null) {
                throw new BadInputException("no data given for model input '" + in.name() + "'");
            }
            checkInputShape(in, shape);
            inputIds.add(define(in.name(), ValueMeta.of(shape, in.type())));
        }
        Set<String> pinned = new HashSet<>(keep);
        for (ValueInfo out : graph.outputs()) {
            pinned.add(out.name());
        }
        Map<String, List<Node>> consumers = graph.consumers();
        for (Node node : graph.nodes()) {
            planNode(node, pinned, consumers);
        }
        for (ValueInfo out : graph.outputs()) {
            Integer id = index.get(out.name());
            if (id == null) {
                throw new BadInputException("model output '" + out.name() + "' is not produced by any node");
            }
            outputIds.add(id);
        }
        assignSlots(pinned);
    }

    private void checkInputShape(ValueInfo in, int[] shape) {
        int[] declared = in.dims();
        boolean ok = declared.length == 0 || declared.length == shape.length;
        for (int i = 0; ok && i < declared.length; i++) {
            ok = declared[i] < 0 || declared[i] == shape[i];
        }
        if (!ok) {
            throw new BadInputException("model input '" + in.name() + "' expects shape " + in.shapeString()
                    + " but the data has shape " + Shapes.toString(shape));
        }
    }

    private int define(String name, ValueMeta meta) {
        int id = metas.size();
        metas.add(meta);
        index.put(name, id);
        return id;
    }

    private void planNode(Node node, Set<String> pinned, Map<String, List<Node>> consumers) {
        List<ValueMeta> in = new ArrayList<>();
        List<int[]> inShapes = new ArrayList<>();
        long params = 0;
        boolean allConstant = true;
        for (String name : node.inputs()) {
            if (name.isEmpty()) {
                in.add(null);
                continue;
            }
            ValueMeta m = metas.get(index.get(name));
            in.add(m);
            inShapes.add(m.shape());
            allConstant &= m.isConstant();
            if (isParameter(name)) {
                params += m.size();
            }
        }
        Op op = Ops.create(node, graph.opset());
        List<ValueMeta> out;
        try {
            out = op.infer(in);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("node " + node.describe() + ": " + e.getMessage(), e);
        }
        if (out.size() < node.outputs().size()) {
            throw new BadInputException("node " + node.describe() + " declares " + node.outputs().size()
                    + " outputs; mpq computes " + out.size());
        }
        boolean outConstant = out.stream().allMatch(ValueMeta::isConstant);
        boolean folded = outConstant || allConstant;
        if (!outConstant && allConstant) {
            out = evaluate(node, op, in, out);
        }
        infos.add(new NodeInfo(node, inShapes, out.stream().map(ValueMeta::shape).toList(), params,
                folded ? 0 : op.macs(), folded));
        if (folded) {
            for (int i = 0; i < node.outputs().size(); i++) {
                define(node.output(i), out.get(i));
            }
            return;
        }
        if (tryFuseRelu(node, pinned, consumers)) {
            return;
        }
        int[] inputs = new int[node.inputs().size()];
        for (int i = 0; i < inputs.length; i++) {
            String name = node.input(i);
            inputs[i] = name.isEmpty() ? -1 : index.get(name);
        }
        int[] outputs = new int[node.outputs().size()];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = define(node.output(i), ValueMeta.of(out.get(i).shape(), out.get(i).type()));
        }
        steps.add(new Step(node, op, inputs, outputs));
    }

    /** A learned parameter: a float initializer of rank ≥ 1 (not a shape, index list or scalar setting). */
    private boolean isParameter(String name) {
        Attributes.Constant c = graph.initializers().get(name);
        return c != null && c.type() == mpq.graph.DType.FLOAT && c.tensor().rank() >= 1;
    }

    /** Runs a node whose inputs are all constants, now. */
    private static List<ValueMeta> evaluate(Node node, Op op, List<ValueMeta> in, List<ValueMeta> out) {
        Tensor[] inputs = new Tensor[in.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = in.get(i) == null ? null : withSlack(in.get(i).constant());
        }
        Tensor[] outputs = new Tensor[out.size()];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = new Tensor(out.get(i).shape(), new float[Shapes.size(out.get(i).shape()) + Conv2d.slack()]);
        }
        try (Parallel serial = Parallel.serial()) {
            op.forward(inputs, outputs, serial);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("node " + node.describe() + ": " + e.getMessage(), e);
        }
        List<ValueMeta> r = new ArrayList<>();
        for (int i = 0; i < outputs.length; i++) {
            r.add(ValueMeta.constant(outputs[i], out.get(i).type()));
        }
        return r;
    }

    /** A Relu whose input comes straight from the previous step and is read by nothing else joins that step. */
    private boolean tryFuseRelu(Node node, Set<String> pinned, Map<String, List<Node>> consumers) {
        if (!node.opType().equals("Relu") || steps.isEmpty()) {
            return false;
        }
        String in = node.input(0);
        Step prev = steps.getLast();
        int inId = index.get(in);
        boolean fromPrev = prev.outputs().length == 1 && prev.outputs()[0] == inId;
        if (!fromPrev || pinned.contains(in) || consumers.getOrDefault(in, List.of()).size() != 1
                || prev.op().outputAliasesInput() || !prev.op().fuseRelu()) {
            return false;
        }
        index.put(node.output(0), inId);
        return true;
    }

    // ---- buffers -------------------------------------------------------------------------------------------

    private void assignSlots(Set<String> pinned) {
        int n = metas.size();
        int[] lastUse = new int[n];
        Arrays.fill(lastUse, -1);
        for (int s = 0; s < steps.size(); s++) {
            for (int v : steps.get(s).inputs()) {
                if (v >= 0) {
                    lastUse[v] = s;
                }
            }
        }
        for (String name : pinned) {
            Integer id = index.get(name);
            if (id != null) {
                lastUse[id] = Integer.MAX_VALUE;
            }
        }
        for (int id : outputIds) {
            lastUse[id] = Integer.MAX_VALUE;
        }
        int[] slotOf = new int[n];
        Arrays.fill(slotOf, -1);
        List<Integer> slotSize = new ArrayList<>();
        List<Integer> live = new ArrayList<>();        // values alive per slot
        List<Integer> free = new ArrayList<>();
        for (int id : inputIds) {
            slotOf[id] = newSlot(slotSize, live, metas.get(id).size());
        }
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            for (int o = 0; o < step.outputs().length; o++) {
                int id = step.outputs()[o];
                if (o == 0 && step.op().outputAliasesInput() && step.inputs()[0] >= 0 && slotOf[step.inputs()[0]] >= 0) {
                    slotOf[id] = slotOf[step.inputs()[0]];
                    live.set(slotOf[id], live.get(slotOf[id]) + 1);
                } else {
                    slotOf[id] = takeSlot(free, slotSize, live, metas.get(id).size());
                }
            }
            for (int v : step.inputs()) {
                release(v, s, lastUse, slotOf, live, free);
            }
            for (int v : step.outputs()) {
                release(v, s, lastUse, slotOf, live, free);   // outputs nobody reads
            }
        }
        float[][] slots = new float[slotSize.size()][];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new float[slotSize.get(i) + Conv2d.slack()];
        }
        views = new Tensor[n];
        for (int id = 0; id < n; id++) {
            ValueMeta m = metas.get(id);
            views[id] = m.isConstant() ? withSlack(m.constant()) : slotOf[id] >= 0 ? new Tensor(m.shape(), slots[slotOf[id]]) : null;
        }
    }

    private static int newSlot(List<Integer> slotSize, List<Integer> live, int size) {
        slotSize.add(size);
        live.add(1);
        return slotSize.size() - 1;
    }

    /** Best fit among the free slots, growing the largest one if none is big enough. */
    private static int takeSlot(List<Integer> free, List<Integer> slotSize, List<Integer> live, int size) {
        int best = -1;
        for (int i = 0; i < free.size(); i++) {
            int s = free.get(i);
            if (slotSize.get(s) >= size && (best < 0 || slotSize.get(s) < slotSize.get(free.get(best)))) {
                best = i;
            }
        }
        if (best < 0 && !free.isEmpty()) {
            int largest = 0;
            for (int i = 1; i < free.size(); i++) {
                if (slotSize.get(free.get(i)) > slotSize.get(free.get(largest))) {
                    largest = i;
                }
            }
            best = largest;
            slotSize.set(free.get(best), size);
        }
        if (best < 0) {
            return newSlot(slotSize, live, size);
        }
        int slot = free.remove(best);
        live.set(slot, 1);
        return slot;
    }

    private static void release(int v, int step, int[] lastUse, int[] slotOf, List<Integer> live, List<Integer> free) {
        if (v < 0 || slotOf[v] < 0 || lastUse[v] > step || lastUse[v] == -2) {
            return;
        }
        lastUse[v] = -2;  // released once
        int slot = slotOf[v];
        int left = live.get(slot) - 1;
        live.set(slot, left);
        if (left == 0) {
            free.add(slot);
        }
    }

    private static Tensor withSlack(Tensor t) {
        return new Tensor(t.shape(), Arrays.copyOf(t.data(), t.size() + Conv2d.slack()));
    }

    // ---- running -------------------------------------------------------------------------------------------

    /** Runs one batch: inputs by name; returns copies of the outputs by name. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Parallel par) {
        return run(inputs, par, null);
    }

    /** How one step runs, when the caller wants a say (the backward engine freezing piecewise-linear ops). */
    interface StepRunner {
        /** Runs step number s itself and returns true, or returns false for the op's own forward. */
        boolean run(int s, Step step, Tensor[] in, Tensor[] out, Parallel par);
    }

    /**
     * Multiply-accumulates plus output elements below which a step runs on the calling thread alone: handing work
     * to another thread and waiting for it costs tens of microseconds, as much as a batch-1 layer of a small network.
     */
    static final long PARALLEL_MIN_WORK = Long.getLong("mpq.parallelMinWork", 1L << 22);
    private static final Parallel SERIAL = Parallel.serial();

    private static boolean worthSharing(Step step, Tensor[] out) {
        long work = step.op().macs();
        for (Tensor t : out) {
            work += t.size();
        }
        return work >= PARALLEL_MIN_WORK;
    }

    Map<String, Tensor> run(Map<String, Tensor> inputs, Parallel par, StepRunner runner) {
        for (int i = 0; i < inputIds.size(); i++) {
            String name = graph.inputs().get(i).name();
            Tensor t = inputs.get(name);
            Tensor dst = views[inputIds.get(i)];
            if (t == null || !Arrays.equals(t.shape(), dst.shape())) {
                throw new IllegalArgumentException("input '" + name + "' does not match the planned shape "
                        + Shapes.toString(dst.shape()));
            }
            System.arraycopy(t.data(), 0, dst.data(), 0, t.size());
        }
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            if (step.op().outputAliasesInput() && views[step.inputs()[0]].data() == views[step.outputs()[0]].data()) {
                continue;
            }
            Tensor[] in = new Tensor[step.inputs().length];
            for (int i = 0; i < in.length; i++) {
                in[i] = step.inputs()[i] < 0 ? null : views[step.inputs()[i]];
            }
            Tensor[] out = new Tensor[step.outputs().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = views[step.outputs()[i]];
            }
            Parallel p = worthSharing(step, out) ? par : SERIAL;
            if (runner == null || !runner.run(s, step, in, out, p)) {
                step.op().forward(in, out, p);
            }
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (int i = 0; i < outputIds.size(); i++) {
            result.put(graph.outputs().get(i).name(), views[outputIds.get(i)].copy());
        }
        return result;
    }

    /** A value computed by the last run (only reliable for graph outputs and values named in keep). */
    public Tensor value(String name) {
        Integer id = index.get(name);
        return id == null ? null : views[id];
    }

    public int[] shapeOf(String name) {
        Integer id = index.get(name);
        return id == null ? null : metas.get(id).shape();
    }

    // ---- for the backward pass (same package) ----------------------------------------------------------

    List<Step> steps() {
        return steps;
    }

    /** The id of a value, or −1. */
    int id(String name) {
        Integer id = index.get(name);
        return id == null ? -1 : id;
    }

    Tensor view(int id) {
        return views[id];
    }

    ValueMeta meta(int id) {
        return metas.get(id);
    }

    int valueCount() {
        return metas.size();
    }

    /** Every node of the graph, in order, with what planning learned about it. */
    public List<NodeInfo> nodes() {
        return List.copyOf(infos);
    }

    /** Floats held in the buffer pool (a measure of the plan's activation memory). */
    public long bufferFloats() {
        Set<float[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long total = 0;
        for (int id = 0; id < views.length; id++) {
            if (views[id] != null && !metas.get(id).isConstant() && seen.add(views[id].data())) {
                total += views[id].data().length;
            }
        }
        return total;
    }
}

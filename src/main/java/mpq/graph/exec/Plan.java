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
import mpq.tensor.DType;
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
    private final List<String> runInputs = new ArrayList<>();     // names of the inputs run() copies in
    private final Set<String> constantInputs = new HashSet<>();    // inputs planned by value
    private final List<Integer> outputIds = new ArrayList<>();

    /**
     * Plans the graph for the given input shapes. Values named in keep stay readable after a run via
     * {@link #value} and are not fused away.
     */
    public Plan(Graph graph, Map<String, int[]> inputShapes, Set<String> keep) {
        this(graph, inputShapes, keep, Map.of());
    }

    /** The same, with some inputs' values known now: they are planned as constants (and not read by {@link #run}). */
    public Plan(Graph graph, Map<String, int[]> inputShapes, Set<String> keep, Map<String, Tensor> inputValues) {
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
            Tensor value = inputValues.get(in.name());
            if (value != null) {
                if (value.type() != in.type()) {
                    throw new BadInputException("model input '" + in.name() + "' is " + in.type()
                            + ", the data given is " + value.type());
                }
                define(in.name(), ValueMeta.constant(value.copy(), in.type()));
                constantInputs.add(in.name());
            } else {
                inputIds.add(define(in.name(), ValueMeta.of(shape, in.type())));
                runInputs.add(in.name());
            }
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
        for (ValueMeta m : out) {
            try {
                mpq.tensor.Shapes.requireAllocatable(m.shape(), m.type().isFloat() ? Float.BYTES : Long.BYTES);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("node " + node.describe() + ": " + e.getMessage(), e);
            }
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
        if (tryFuseRelu(node, pinned, consumers) || tryFuseQuantizeDequantize(node, pinned, consumers)) {
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
        return c != null && c.type() == DType.FLOAT && c.tensor().rank() >= 1;
    }

    /** Runs a node whose inputs are all constants, now. */
    private static List<ValueMeta> evaluate(Node node, Op op, List<ValueMeta> in, List<ValueMeta> out) {
        Tensor[] inputs = new Tensor[in.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = in.get(i) == null ? null : in.get(i).constant().copyWithSlack(Conv2d.slack());
        }
        Tensor[] outputs = new Tensor[out.size()];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = Tensor.zeros(out.get(i).type(), out.get(i).shape(), Conv2d.slack());
        }
        try (Parallel serial = Parallel.serial()) {
            op.forward(inputs, outputs, serial);
            roundHalfFloats(outputs);
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

    /**
     * A DequantizeLinear that undoes the previous step's QuantizeLinear (its only reader, same scale, zero point and
     * axis) joins it as one float round trip: QDQ models then hold no integer activations (8 bytes per value here).
     */
    private boolean tryFuseQuantizeDequantize(Node node, Set<String> pinned, Map<String, List<Node>> consumers) {
        if (!node.opType().equals("DequantizeLinear") || steps.isEmpty()) {
            return false;
        }
        Step prev = steps.getLast();
        String in = node.input(0);
        Node q = prev.node();
        if (!q.opType().equals("QuantizeLinear") || prev.outputs()[0] != index.get(in) || pinned.contains(in)
                || consumers.getOrDefault(in, List.of()).size() != 1 || !sameValue(q, node, 1) || !sameValue(q, node, 2)
                || q.attributes().getInt("axis", 1) != node.attributes().getInt("axis", 1)) {
            return false;
        }
        Op fused = Ops.quantizeDequantize(q);
        List<ValueMeta> qIn = new ArrayList<>();
        for (int id : prev.inputs()) {
            qIn.add(id < 0 ? null : metas.get(id));
        }
        ValueMeta y = fused.infer(qIn).getFirst();
        steps.set(steps.size() - 1, new Step(q, fused, prev.inputs(), new int[] {define(node.output(0), y)}));
        return true;
    }

    /** Input i of two nodes is the same value: the same name, both absent, or constants of equal values. */
    private boolean sameValue(Node a, Node b, int i) {
        String x = i < a.inputs().size() ? a.input(i) : "", y = i < b.inputs().size() ? b.input(i) : "";
        if (x.equals(y)) {
            return true;
        }
        if (x.isEmpty() || y.isEmpty()) {
            return false;
        }
        Tensor u = metas.get(index.get(x)).constant(), v = metas.get(index.get(y)).constant();
        if (u == null || v == null || u.size() != v.size() || u.type() != v.type()) {
            return false;
        }
        for (int k = 0; k < u.size(); k++) {
            if (u.getDouble(k) != v.getDouble(k)) {
                return false;
            }
        }
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
        // Float-family and integer values live in separate pools (float and long storage).
        Pool floats = new Pool(), longs = new Pool();
        int[] slotOf = new int[n];
        Arrays.fill(slotOf, -1);
        for (int id : inputIds) {
            slotOf[id] = pool(id, floats, longs).newSlot(metas.get(id).size());
        }
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            for (int o = 0; o < step.outputs().length; o++) {
                int id = step.outputs()[o];
                int in0 = step.inputs().length > 0 ? step.inputs()[0] : -1;
                if (o == 0 && step.op().outputAliasesInput() && in0 >= 0 && slotOf[in0] >= 0
                        && pool(in0, floats, longs) == pool(id, floats, longs)) {
                    slotOf[id] = slotOf[in0];
                    pool(id, floats, longs).share(slotOf[id]);
                } else {
                    slotOf[id] = pool(id, floats, longs).take(metas.get(id).size());
                }
            }
            for (int v : step.inputs()) {
                release(v, s, lastUse, slotOf, floats, longs);
            }
            for (int v : step.outputs()) {
                release(v, s, lastUse, slotOf, floats, longs);   // outputs nobody reads
            }
        }
        float[][] floatSlots = new float[floats.slotSize.size()][];
        for (int i = 0; i < floatSlots.length; i++) {
            floatSlots[i] = new float[floats.slotSize.get(i) + Conv2d.slack()];
        }
        long[][] longSlots = new long[longs.slotSize.size()][];
        for (int i = 0; i < longSlots.length; i++) {
            longSlots[i] = new long[longs.slotSize.get(i)];
        }
        views = new Tensor[n];
        for (int id = 0; id < n; id++) {
            ValueMeta m = metas.get(id);
            if (m.isConstant()) {
                views[id] = m.constant().copyWithSlack(Conv2d.slack());
            } else if (slotOf[id] >= 0) {
                views[id] = m.type().isFloat() ? new Tensor(m.type(), m.shape(), floatSlots[slotOf[id]])
                        : new Tensor(m.type(), m.shape(), longSlots[slotOf[id]]);
            }
        }
    }

    private Pool pool(int id, Pool floats, Pool longs) {
        return metas.get(id).type().isFloat() ? floats : longs;
    }

    /** Buffers of one storage kind: their sizes, how many live values share each, and the free ones. */
    private static final class Pool {
        final List<Integer> slotSize = new ArrayList<>();
        final List<Integer> live = new ArrayList<>();
        final List<Integer> free = new ArrayList<>();

        int newSlot(int size) {
            slotSize.add(size);
            live.add(1);
            return slotSize.size() - 1;
        }

        void share(int slot) {
            live.set(slot, live.get(slot) + 1);
        }

        /** Best fit among the free slots, growing the largest one if none is big enough. */
        int take(int size) {
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
                return newSlot(size);
            }
            int slot = free.remove(best);
            live.set(slot, 1);
            return slot;
        }

        void release(int slot) {
            int left = live.get(slot) - 1;
            live.set(slot, left);
            if (left == 0) {
                free.add(slot);
            }
        }
    }

    private void release(int v, int step, int[] lastUse, int[] slotOf, Pool floats, Pool longs) {
        if (v < 0 || slotOf[v] < 0 || lastUse[v] > step || lastUse[v] == -2) {
            return;
        }
        lastUse[v] = -2;  // released once
        pool(v, floats, longs).release(slotOf[v]);
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
            String name = runInputs.get(i);
            Tensor t = inputs.get(name);
            Tensor dst = views[inputIds.get(i)];
            if (t == null || !Arrays.equals(t.shape(), dst.shape())) {
                throw new IllegalArgumentException("input '" + name + "' does not match the planned shape "
                        + Shapes.toString(dst.shape()));
            }
            if (t.type() != dst.type()) {
                throw new BadInputException("model input '" + name + "' is " + dst.type() + ", the data given is "
                        + t.type());
            }
            t.copyInto(dst);
        }
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            if (step.op().outputAliasesInput() && views[step.inputs()[0]].sameStorage(views[step.outputs()[0]])) {
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
            try {
                if (runner == null || !runner.run(s, step, in, out, p)) {
                    step.op().forward(in, out, p);
                }
            } catch (IllegalArgumentException e) {   // a value only known at run time that the op cannot take
                throw new BadInputException("node " + step.node().describe() + ": " + e.getMessage(), e);
            }
            roundHalfFloats(out);
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (int i = 0; i < outputIds.size(); i++) {
            result.put(graph.outputs().get(i).name(), views[outputIds.get(i)].copy());
        }
        return result;
    }

    /** Float16 and bfloat16 results rounded to their type, as if stored in it. */
    private static void roundHalfFloats(Tensor[] out) {
        for (Tensor t : out) {
            if (t != null && (t.type() == DType.FLOAT16 || t.type() == DType.BFLOAT16)) {
                float[] d = t.data();
                for (int i = 0; i < t.size(); i++) {
                    d[i] = t.type().round(d[i]);
                }
            }
        }
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

    /** Bytes of the buffer pool, float and integer (the plan's activation memory). */
    public long bufferBytes() {
        java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long total = 0;
        for (int id = 0; id < views.length; id++) {
            if (views[id] == null || metas.get(id).isConstant()) {
                continue;
            }
            if (views[id].isFloat() ? seen.add(views[id].data()) : seen.add(views[id].ints())) {
                total += views[id].isFloat() ? 4L * views[id].data().length : 8L * views[id].ints().length;
            }
        }
        return total;
    }

    /** Floats held in the buffer pool (a measure of the plan's activation memory). */
    public long bufferFloats() {
        Set<float[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long total = 0;
        for (int id = 0; id < views.length; id++) {
            if (views[id] != null && views[id].isFloat() && !metas.get(id).isConstant() && seen.add(views[id].data())) {
                total += views[id].data().length;
            }
        }
        return total;
    }
}

package mpq.sensitivity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.LossInput;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.quant.Estimators;
import mpq.quant.QuantConfig;
import mpq.quant.Representations;
import mpq.quant.WeightLayer;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/**
 * The network with the searched layers' weights as inputs, run from a layer on ({@link Graph#suffix}) on the
 * values the float network computes there (kept once per batch), so that one plan serves every evaluation that
 * starts at that layer: the loss change on the examples when some layers take quantized weights.
 */
final class LossChanges implements AutoCloseable {
    private final SensitivityContext ctx;
    private final Graph whole;
    private final String logits;
    private final List<Map<String, Tensor>> batches = new ArrayList<>();
    private final List<Map<String, Tensor>> cached = new ArrayList<>();
    private final List<int[]> labels = new ArrayList<>();
    private final List<Tensor> reference = new ArrayList<>();
    private final Map<Integer, Tensor> floatWeights = new HashMap<>();
    private final Map<Integer, Tensor[]> quantized = new HashMap<>();
    private final Map<Integer, Integer> firstNode = new HashMap<>();
    private final double base;
    private final int examples;
    private Executor ex;
    private Graph suffix;

    /** On the first calibration examples (at most that many), with the searched layers' weights as inputs. */
    LossChanges(SensitivityContext ctx, List<Integer> searched, int examples) {
        this.ctx = ctx;
        this.examples = examples;
        Graph g = ctx.graph();
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(g.initializers());
        List<ValueInfo> inputs = new ArrayList<>(g.inputs());
        QuantConfig.LayerSpec spec = ctx.config().defaults();
        for (int l : searched) {
            WeightLayer layer = ctx.layers().get(l);
            Attributes.Constant w = init.remove(layer.weight());
            inputs.add(new ValueInfo(layer.weight(), w.type(), w.tensor().shape()));
            floatWeights.put(l, w.tensor());
            Tensor[] q = new Tensor[ctx.cells().size()];
            for (int k = 0; k < q.length; k++) {
                q[k] = Representations.DEFAULT.weightParams(w.tensor(), spec.perChannel() ? layer.channelAxis() : -1,
                        ctx.cells().get(k).w(), Estimators.byName(spec.weightEstimator())).apply(w.tensor());
            }
            quantized.put(l, q);
            firstNode.put(l, g.nodes().indexOf(layer.node()));
        }
        whole = new Graph(g.name(), g.nodes(), inputs, g.outputs(), init, g.opset());
        logits = LossInput.of(whole);
        java.util.Set<String> keep = new java.util.HashSet<>(java.util.Set.of(logits));
        for (int l : searched) {
            keep.addAll(whole.readBefore(firstNode.get(l)));
        }
        String single = g.inputs().getFirst().name();
        mpq.data.Batches first = ctx.data().first(examples);
        for (int b = 0; b < first.batches(); b++) {
            batches.add(first.inputs(b, single));
            if (first.hasLabels()) {
                labels.add(first.labels(b));
            }
        }
        boolean kl = labels.isEmpty();
        double sum = 0;
        try (Executor full = new Executor(whole, ctx.threads(), keep)) {
            for (int b = 0; b < batches.size(); b++) {
                Map<String, Tensor> in = new HashMap<>(batches.get(b));
                floatWeights.forEach((l, w) -> in.put(ctx.layers().get(l).weight(), w));
                full.run(in);
                Map<String, Tensor> values = new HashMap<>();
                for (String v : keep) {
                    if (!in.containsKey(v)) {
                        values.put(v, full.value(v).copy());
                    }
                }
                cached.add(values);
                reference.add(values.get(logits));
                sum += kl ? 0 : loss(b, values.get(logits));
            }
        }
        base = sum;
    }

    /** Evaluations from now on change layer l first (and perhaps later ones). */
    void from(int l) {
        close();
        Map<String, ValueInfo> declared = new HashMap<>();
        whole.inputs().forEach(v -> declared.put(v.name(), v));
        suffix = whole.suffix(firstNode.get(l), v -> {
            if (declared.containsKey(v)) {
                return declared.get(v);
            }
            Tensor t = cached.getFirst().get(v);
            int[] dims = t.shape();
            if (dims.length > 0 && dims[0] == batches.getFirst().values().iterator().next().dim(0)) {
                dims[0] = -1;   // batches differ in size
            }
            return new ValueInfo(v, t.type(), dims);
        });
        ex = new Executor(suffix, ctx.threads(), java.util.Set.of(logits));
    }

    /** L(quantized) − L(float), the layers in cells taking those cells (none before the one given to from). */
    double change(Map<Integer, Integer> cells) {
        double sum = 0;
        for (int b = 0; b < batches.size(); b++) {
            Map<String, Tensor> in = new HashMap<>();
            for (ValueInfo v : suffix.inputs()) {
                Tensor t = batches.get(b).get(v.name());
                in.put(v.name(), t != null ? t : cached.get(b).get(v.name()));
            }
            for (Map.Entry<Integer, Tensor> e : floatWeights.entrySet()) {   // the weights the suffix reads
                String w = ctx.layers().get(e.getKey()).weight();
                if (in.containsKey(w)) {
                    Integer k = cells.get(e.getKey());
                    in.put(w, k == null ? e.getValue() : quantized.get(e.getKey())[k]);
                }
            }
            ex.run(in);
            sum += loss(b, ex.value(logits));
        }
        return (sum - base) / batches.size();
    }

    /** The batch's loss: cross-entropy with labels, else KL from the float outputs (mean per example). */
    private double loss(int b, Tensor y) {
        Tensor grad = Tensor.zeros(y.shape());
        return labels.isEmpty() ? Losses.klDivergence(y, reference.get(b), grad)
                : Losses.crossEntropy(y, labels.get(b), grad);
    }

    @Override
    public void close() {
        if (ex != null) {
            ex.close();
            ex = null;
        }
    }
}

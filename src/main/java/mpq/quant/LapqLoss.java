package mpq.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.data.Batches;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.LossInput;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.graph.op.Ops;
import mpq.tensor.DType;
import mpq.tensor.Losses;
import mpq.tensor.Tensor;

/**
 * The task loss of a quantized network as a function of its quantizers' scales: LAPQ's objective. Each optimised
 * quantizer — a layer's weight or an activation — takes its recipe scales times a multiplier; the loss is the mean
 * cross-entropy with the labels (or KL from the float model's outputs) over fixed calibration examples.
 *
 * <p>One graph serves every evaluation: the optimised weights, the optimised activations' scales and the biases
 * whose int32 grid (input scale × weight scale) moves with them are its inputs, so it computes what the refined
 * recipe's simulation will.
 * An evaluation that changes only quantizers from some node on runs the graph from that node on, on the values the
 * network computed before it (kept from an earlier evaluation that agreed on every quantizer before it). A line search
 * along one quantizer, Powell's inner loop, thus runs only the part of the network after that quantizer.
 */
final class LapqLoss implements AutoCloseable {
    /** One optimised quantizer: a layer's weight (name: the layer) or an activation (name: the value). */
    record Quantizer(String name, boolean weight) {
        String describe() {
            return (weight ? "weight of " : "activation ") + name;
        }
    }

    /**
     * A bias on the int32 grid of its layer's input scale times weight scale, which moves with either: an input of
     * the graph, requantized at every evaluation.
     */
    private record BiasInput(String input, String layer, Node node, Tensor values) {}

    /** The fixed examples: inputs, labels (none for KL) and the float model's outputs. */
    record Examples(List<Map<String, Tensor>> inputs, List<int[]> labels, List<Tensor> reference, int count) {
        boolean kl() {
            return labels.isEmpty();
        }

        /** The first limit calibration examples; with kl, the float model's outputs on them (labels unused). */
        static Examples of(Graph floatGraph, Batches data, int limit, boolean kl, int threads) {
            Batches first = data.first(limit);
            List<Map<String, Tensor>> inputs = new ArrayList<>();
            List<int[]> labels = new ArrayList<>();
            List<Tensor> reference = new ArrayList<>();
            String single = floatGraph.inputs().getFirst().name();
            String logits = LossInput.of(floatGraph);
            try (Executor ex = new Executor(floatGraph, threads, Set.of(logits))) {
                for (int b = 0; b < first.batches(); b++) {
                    inputs.add(first.inputs(b, single));
                    if (kl) {
                        ex.run(inputs.getLast());
                        reference.add(ex.value(logits).copy());
                    } else {
                        labels.add(first.labels(b));
                    }
                }
            }
            return new Examples(inputs, labels, reference, first.examples());
        }
    }

    private final QuantRecipe recipe;
    private final List<Quantizer> quantizers;
    private final Examples examples;
    private final int threads;
    private final Graph graph;
    private final String logits;
    private final String[] inputOf;   // per quantizer: the graph input it feeds (weight or scale)
    private final int[] first;        // per quantizer: the first node its value changes
    private final Tensor[] floatWeights;
    private final Set<String> varying = new HashSet<>();
    private final List<BiasInput> biases = new ArrayList<>();

    // The evaluation cache: values computed before node cacheFirst, valid while the quantizers before it keep cacheAt.
    private int cacheFirst = 0;
    private double[] cacheAt;
    private double[] lastAt;
    private List<Map<String, Tensor>> cached;
    private Graph suffix;
    private Executor ex;
    private int evaluations;

    LapqLoss(Graph floatGraph, QuantRecipe recipe, List<Quantizer> quantizers, Examples examples, int threads) {
        this.recipe = recipe;
        this.quantizers = List.copyOf(quantizers);
        this.examples = examples;
        this.threads = threads;
        Graph q = FakeQuantPass.apply(floatGraph, recipe);
        Map<String, Attributes.Constant> init = new LinkedHashMap<>(q.initializers());
        List<ValueInfo> inputs = new ArrayList<>(q.inputs());
        Set<String> taken = new HashSet<>(init.keySet());
        q.nodes().forEach(n -> taken.addAll(n.outputs()));
        q.inputs().forEach(v -> taken.add(v.name()));
        Map<String, String> scaleInputOf = new HashMap<>();   // activation value → its scale input
        inputOf = new String[quantizers.size()];
        floatWeights = new Tensor[quantizers.size()];
        for (int i = 0; i < quantizers.size(); i++) {
            Quantizer z = quantizers.get(i);
            if (z.weight()) {
                QuantRecipe.LayerQuant l = recipe.layer(z.name());
                Attributes.Constant w = init.remove(l.weight());
                inputs.add(new ValueInfo(l.weight(), DType.FLOAT, w.tensor().shape()));
                inputOf[i] = l.weight();
                floatWeights[i] = floatGraph.weight(l.weight());
            } else {
                String scale = Names.fresh(z.name() + "_lapq_scale", taken);
                inputs.add(new ValueInfo(scale, DType.FLOAT, new int[] {1}));
                scaleInputOf.put(z.name(), scale);
                inputOf[i] = scale;
            }
            varying.add(inputOf[i]);
        }
        Map<String, Node> layerNodes = new HashMap<>();
        floatGraph.nodes().forEach(n -> layerNodes.put(WeightLayer.nameOf(n), n));
        Map<String, Node> qNodes = new HashMap<>();
        q.nodes().forEach(n -> qNodes.put(n.name(), n));
        for (QuantRecipe.LayerQuant l : recipe.layers()) {
            boolean moves = quantizers.contains(new Quantizer(l.name(), true))
                    || quantizers.contains(new Quantizer(l.input(), false));
            Node n = layerNodes.get(l.name());
            Tensor b = recipe.floatBias(l, n, floatGraph);
            if (moves && b != null && BiasQuant.of(recipe, l, n, b) != null) {
                String name = qNodes.get(n.name()).input(2);
                Attributes.Constant c = init.remove(name);
                inputs.add(new ValueInfo(name, DType.FLOAT, c.tensor().shape()));
                biases.add(new BiasInput(name, l.name(), n, b));
                varying.add(name);
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : q.nodes()) {
            String scale = n.opType().equals(Ops.FAKE_QUANT) ? scaleInputOf.get(n.input(0)) : null;
            nodes.add(scale == null ? n : new Node(n.name(), n.opType(), n.domain(), List.of(n.input(0), scale),
                    n.outputs(), n.attributes()));
        }
        graph = new Graph(q.name(), nodes, inputs, q.outputs(), init, q.opset());
        logits = LossInput.of(graph);
        first = new int[quantizers.size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = firstReader(graph.nodes(), inputOf[i]);
        }
    }

    private static int firstReader(List<Node> nodes, String value) {
        for (int k = 0; k < nodes.size(); k++) {
            if (nodes.get(k).inputs().contains(value)) {
                return k;
            }
        }
        throw new IllegalStateException("no node reads '" + value + "'");
    }

    /** Quantizer i's parameters with its scales times m (zero points kept). */
    QuantParams scaled(int i, double m) {
        Quantizer z = quantizers.get(i);
        QuantParams p = z.weight() ? recipe.layer(z.name()).weightParams() : recipe.activation(z.name()).params();
        float[] s = p.scales();
        for (int c = 0; c < s.length; c++) {
            s[c] = (float) (s[c] * m);
        }
        return new QuantParams(p.grid(), p.symmetric(), s, p.zeroPoints(), p.axis());
    }

    /** The recipe with every quantizer's scales times its multiplier. */
    QuantRecipe recipeAt(double[] multipliers) {
        Map<String, QuantParams> weights = new LinkedHashMap<>(), acts = new LinkedHashMap<>();
        for (int i = 0; i < quantizers.size(); i++) {
            (quantizers.get(i).weight() ? weights : acts).put(quantizers.get(i).name(), scaled(i, multipliers[i]));
        }
        return recipe.withWeightParams(weights).withActivations(acts);
    }

    int evaluations() {
        return evaluations;
    }

    /** The mean loss over the examples with quantizer i's scales times multipliers[i]. */
    double at(double[] multipliers) {
        evaluations++;
        for (int i = 0; i < first.length; i++) {
            if (first[i] < cacheFirst && multipliers[i] != cacheAt[i]) {
                dropCache();   // a quantizer before the cut moved: start from the network's input again
                break;
            }
        }
        // The first node whose input differs from the last evaluation's: what a line search keeps changing. The
        // values before it are kept for the evaluations that follow.
        int changed = Integer.MAX_VALUE;
        for (int i = 0; i < first.length; i++) {
            if (lastAt == null || multipliers[i] != lastAt[i]) {
                changed = Math.min(changed, first[i]);
            }
        }
        lastAt = multipliers.clone();
        int keepAt = changed == Integer.MAX_VALUE ? cacheFirst : changed;
        Set<String> keep = keepAt > cacheFirst ? graph.readBefore(keepAt) : Set.of();
        Executor run = keep.isEmpty() ? executor() : new Executor(current(), threads, union(keep, logits), varying);
        Map<String, Tensor> fed = quantizerInputs(multipliers);
        List<Map<String, Tensor>> kept = new ArrayList<>();
        double sum = 0;
        try {
            for (int b = 0; b < examples.inputs().size(); b++) {
                Map<String, Tensor> in = feed(b, run.graph(), fed);
                run.run(in);
                Tensor y = run.value(logits);
                int n = y.dim(0);
                Tensor grad = Tensor.zeros(y.shape());
                double loss = examples.kl() ? Losses.klDivergence(y, examples.reference().get(b), grad)
                        : Losses.crossEntropy(y, examples.labels().get(b), grad);
                sum += loss * n;
                if (!keep.isEmpty()) {
                    Map<String, Tensor> values = new HashMap<>();
                    for (String v : keep) {
                        values.put(v, in.containsKey(v) ? in.get(v) : run.value(v).copy());
                    }
                    kept.add(values);
                }
            }
        } finally {
            if (run != ex) {
                run.close();
            }
        }
        if (!keep.isEmpty()) {
            moveCache(keepAt, kept, multipliers);
        }
        return sum / examples.count();
    }

    private static Set<String> union(Set<String> a, String b) {
        Set<String> s = new HashSet<>(a);
        s.add(b);
        return s;
    }

    /** The graph evaluations run now: the whole one, or the part from the cache's cut. */
    private Graph current() {
        return suffix != null ? suffix : graph;
    }

    private Executor executor() {
        if (ex == null) {
            ex = new Executor(current(), threads, Set.of(logits), varying);
        }
        return ex;
    }

    /** What the quantizers feed the graph at these multipliers: weights, activation scales, requantized biases. */
    private Map<String, Tensor> quantizerInputs(double[] multipliers) {
        Map<String, Tensor> fed = new HashMap<>();
        for (int i = 0; i < inputOf.length; i++) {
            QuantParams p = scaled(i, multipliers[i]);
            fed.put(inputOf[i], quantizers.get(i).weight() ? p.apply(floatWeights[i])
                    : Tensor.of(new int[] {1}, new float[] {p.scale(0)}));
        }
        if (!biases.isEmpty()) {
            QuantRecipe r = recipeAt(multipliers);
            for (BiasInput b : biases) {
                float[] v = BiasQuant.of(r, r.layer(b.layer()), b.node(), b.values()).dequantized();
                fed.put(b.input(), Tensor.of(new int[] {v.length}, v));
            }
        }
        return fed;
    }

    /** The inputs of batch b for graph part: the quantizers' inputs, the cached values or the examples. */
    private Map<String, Tensor> feed(int b, Graph part, Map<String, Tensor> fed) {
        Map<String, Tensor> in = new HashMap<>();
        for (ValueInfo v : part.inputs()) {
            if (fed.containsKey(v.name())) {
                in.put(v.name(), fed.get(v.name()));
            } else if (cached != null && cached.get(b).containsKey(v.name())) {
                in.put(v.name(), cached.get(b).get(v.name()));
            } else {
                in.put(v.name(), examples.inputs().get(b).get(v.name()));
            }
        }
        return in;
    }

    private void moveCache(int cut, List<Map<String, Tensor>> values, double[] at) {
        closeExecutor();
        cacheFirst = cut;
        cached = values;
        cacheAt = at.clone();
        Map<String, ValueInfo> declared = new HashMap<>();
        graph.inputs().forEach(v -> declared.put(v.name(), v));
        suffix = graph.suffix(cut, v -> {
            if (declared.containsKey(v)) {
                return declared.get(v);
            }
            int[] dims = values.getFirst().get(v).shape();
            if (dims.length > 0) {
                dims[0] = -1;   // batches differ in size
            }
            return new ValueInfo(v, values.getFirst().get(v).type(), dims);
        });
    }

    private void dropCache() {
        closeExecutor();
        cacheFirst = 0;
        cached = null;
        suffix = null;
    }

    private void closeExecutor() {
        if (ex != null) {
            ex.close();
            ex = null;
        }
    }

    @Override
    public void close() {
        closeExecutor();
    }
}
